"""API writes of 考核评价: the rubric editor (rubric, copy, sections, items, rating scale, publish), new
assessments, assessors, the stages and a unit's self-assessment — scoped like the pages, refused in
Chinese naming the field, audited, and nothing written out of scope."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.audit.models import AuditEvent
from dangjian.evaluation import services
from dangjian.evaluation.choices import AssessmentStatus, ScoreSource
from dangjian.evaluation.models import Assessment, ItemScore, Rubric, RubricItem, RubricSection
from dangjian.evaluation.sources import OVERDUE_TASKS

from .helpers import finished, make_assessment, make_rubric

pytestmark = pytest.mark.django_db
D = Decimal
MARKS = {"A1村党支部": 55, "A2社区党支部": 50, "B1村党支部": 58}


def api(name, *args):
    return reverse(f"evaluation-api:{name}", args=args)


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def evaluation_events():
    """Audit events of evaluation records (refused requests are audited as access decisions only)."""
    return AuditEvent.objects.filter(object_type__startswith="evaluation.")


# --- the rubric editor ------------------------------------------------------------------------------


def test_a_committee_builds_and_publishes_a_rubric(world, client_as):
    client = client_as("town_a_admin")
    made = post(client, api("rubric-list"), {"organization": world["town_a"].pk, "name": "A镇五好细则"})
    assert made.status_code == 201, made.content
    rubric = Rubric.objects.get(pk=made.json()["id"])
    assert rubric.organization == world["town_a"]
    section = post(client, api("rubric-sections", rubric.pk), {"title": "支部班子好"})
    assert section.status_code == 201, section.content
    section_id = section.json()["id"]
    items = api("section-items", section_id)
    first = post(client, items, {"text": "班子团结、分工明确", "points": "60", "per_occurrence": "5"})
    assert first.status_code == 201, first.content
    # an assessed item keeps no deduction rule (the editor's form clears it too)
    assert first.json()["per_occurrence"] is None and first.json()["method"] == "assessed"
    deduction = {
        "text": "会议记录缺项",
        "points": "20",
        "method": "deduction",
        "per_occurrence": "5",
        "floor": "5",
    }
    assert post(client, items, deduction).status_code == 201
    computed = {
        "text": "交办任务按期办结",
        "points": "20",
        "method": "computed",
        "source_key": OVERDUE_TASKS,
        "rule": "per_occurrence",
        "per_occurrence": "4",
        "threshold": "9",
    }
    made_computed = post(client, items, computed)
    assert made_computed.status_code == 201, made_computed.content
    assert made_computed.json()["threshold"] is None
    bands = {
        "scale_name": "五好党支部评定",
        "bands": [{"label": "合格", "min_score": "60"}, {"label": "五好", "min_score": "90"}],
    }
    scale = post(client, api("rubric-bands", rubric.pk), bands)
    assert scale.status_code == 200, scale.content
    assert [band["label"] for band in scale.json()["bands"]] == ["五好", "合格"]
    published = post(client, api("rubric-publish", rubric.pk))
    assert published.status_code == 200, published.content
    assert published.json()["published_at"] and len(published.json()["items"]) == 3
    again = post(client, api("rubric-publish", rubric.pk))
    assert again.status_code == 400 and "已发布" in again.json()[0]
    user_events = evaluation_events().filter(user=world["town_a_admin"])
    assert set(user_events.values_list("object_type", "action")) >= {
        ("evaluation.rubric", "create"),
        ("evaluation.rubricversion", "create"),
        ("evaluation.rubricsection", "create"),
        ("evaluation.rubricitem", "create"),
        ("evaluation.rubricversion", "update"),
        ("evaluation.rubricversion", "publish"),
    }


def test_rubric_requests_are_refused_in_chinese_naming_the_field(world, client_as):
    client = client_as("town_a_admin")
    missing = post(client, api("rubric-list"), {"organization": world["town_a"].pk})
    assert missing.status_code == 400
    assert missing.json() == {"name": ["请填写细则名称。"]}
    branch = post(client, api("rubric-list"), {"organization": world["a1"].pk, "name": "细则"})
    assert branch.json() == {"organization": ["制定单位须为您管理的党委（党工委、党组）。"]}
    rubric = services.do_create_rubric(world["town_a"], "A镇细则", acting_user=None)
    section = services.do_add_section(rubric.latest_version(), "班子", acting_user=None)
    items = api("section-items", section.pk)
    assert post(client, items, {"text": "班子团结", "points": "0"}).json() == {"points": ["分值必须大于0。"]}
    assert post(client, items, {"text": "班子团结", "points": "x"}).json() == {"points": ["分值格式不正确。"]}
    usage = post(client, items, {"text": "党员每日登录学习平台", "points": "5"}).json()
    assert "考核不得以平台使用情况计分" in usage["text"][0]
    no_source = post(client, items, {"text": "按期办结", "points": "5", "method": "computed"}).json()
    assert no_source == {"source_key": ["第1项：请选择已登记的数据来源。"]}
    method = post(client, items, {"text": "按期办结", "points": "5", "method": "auto"}).json()
    assert method == {"method": ["评分方式的取值“auto”无效。"]}
    twice = {"bands": [{"label": "合格", "min_score": "60"}, {"label": "合格", "min_score": "0"}]}
    assert post(client, api("rubric-bands", rubric.pk), twice).json() == {
        "bands": ["第2行：等次“合格”与第1行重复。"]
    }
    assert post(client, api("rubric-bands", rubric.pk), {"bands": []}).json() == {
        "bands": ["请至少填写一个评定等次。"]
    }
    assert post(client, api("rubric-sections", rubric.pk), {"title": ""}).json() == {
        "title": ["请填写考核项目名称。"]
    }
    unpublished = post(client, api("rubric-publish", rubric.pk))
    assert unpublished.status_code == 400 and unpublished.json() == ["请先添加评分细则再发布。"]
    assert not RubricItem.objects.filter(section=section).exists()


def test_another_committees_rubric_is_not_found_and_nothing_is_written(world, client_as):
    county = make_rubric(world, publish=False)
    version = county.latest_version()
    section = version.sections.get()
    item = version.items().first()
    before = evaluation_events().count()
    town = client_as("town_a_admin")
    assert post(town, api("rubric-sections", county.pk), {"title": "新项目"}).status_code == 404
    assert (
        post(
            town, api("rubric-bands", county.pk), {"bands": [{"label": "合格", "min_score": "0"}]}
        ).status_code
        == 404
    )
    assert post(town, api("rubric-publish", county.pk)).status_code == 404
    assert post(town, api("rubric-copy", county.pk)).status_code == 404
    assert patch(town, api("section-detail", section.pk), {"title": "改名"}).status_code == 404
    assert post(town, api("section-items", section.pk), {"text": "新细则", "points": "5"}).status_code == 404
    assert post(town, api("section-remove", section.pk)).status_code == 404
    assert patch(town, api("item-detail", item.pk), {"points": "1"}).status_code == 404
    assert post(town, api("item-remove", item.pk)).status_code == 404
    # a role that may change nothing anywhere is refused outright
    assert (
        post(client_as("inspector_a"), api("rubric-sections", county.pk), {"title": "新项目"}).status_code
        == 403
    )
    county_rubric = client_as("county_admin")
    assert (
        post(county_rubric, api("rubric-list"), {"organization": world["town_a"].pk, "name": "x"}).status_code
        == 201
    )
    assert post(town, api("rubric-list"), {"organization": world["root"].pk, "name": "县细则"}).json() == {
        "organization": ["制定单位须为您管理的党委（党工委、党组）。"]
    }
    assert evaluation_events().count() == before + 2  # the county's own rubric and its version 1
    assert version.sections.count() == 1 and version.items().count() == 3 and not version.published_at
    assert RubricSection.objects.get(pk=section.pk).title == "支部班子好"


def test_changing_a_used_version_writes_a_new_version(world, client_as):
    rubric = make_rubric(world)
    used = finished(world, rubric, MARKS).version
    client = client_as("county_admin")
    item = used.items().first()
    changed = patch(client, api("item-detail", item.pk), {"points": "50"})
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["version"] != used.pk and body["points"] == "50.00" and body["text"] == item.text
    item.refresh_from_db()
    assert item.points == D("60")
    draft = rubric.latest_version()
    assert (draft.number, draft.pk) == (2, body["version"])
    section = patch(client, api("section-detail", draft.sections.get().pk), {"title": "支部班子建设好"})
    assert section.status_code == 200 and section.json()["version_number"] == 2
    removed = post(client, api("item-remove", body["id"]))
    assert removed.status_code == 200 and len(removed.json()["items"]) == 2
    assert (
        evaluation_events()
        .filter(
            object_type="evaluation.rubricversion",
            object_id=str(draft.pk),
            message__startswith="删除评分细则",
        )
        .exists()
    )
    gone = post(client, api("section-remove", draft.sections.get().pk))
    assert gone.status_code == 200 and gone.json()["items"] == []
    empty = patch(client, api("section-detail", used.sections.get().pk), {})
    assert empty.status_code == 400 and "请填写要修改的内容" in empty.json()["non_field_errors"][0]


def test_a_version_is_copied(world, client_as):
    rubric = make_rubric(world)
    client = client_as("county_admin")
    copied = post(client, api("rubric-copy", rubric.pk))
    assert copied.status_code == 201, copied.content
    assert copied.json()["number"] == 2 and len(copied.json()["items"]) == 3
    assert copied.json()["published_at"] is None
    other = services.do_create_rubric(world["town_a"], "A镇细则", acting_user=None)
    foreign = post(client, api("rubric-copy", rubric.pk), {"version": other.latest_version().pk})
    assert foreign.json() == {"version": ["细则版本须为本考核细则的版本。"]}
    assert (
        evaluation_events()
        .filter(
            object_type="evaluation.rubricversion",
            action="create",
            message="由第1版复制",
            user=world["county_admin"],
        )
        .exists()
    )


# --- assessments -----------------------------------------------------------------------------------


def new_assessment(version, **extra):
    data = {"version": version.pk, "name": "2025年度五好党支部考核", "year": 2025, "kinds": ["branch"]}
    return {**data, **extra}


def test_the_committee_creates_an_assessment_as_on_the_page(world, client_as):
    version = make_rubric(world).latest_version()
    client = client_as("county_admin")
    data = new_assessment(
        version,
        subtree=world["town_a"].pk,
        assessors=[world["county_admin"].pk],
        ranking_visibility="own",
        conflict_threshold="3",
    )
    made = post(client, api("assessment-list"), data)
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["status"], body["ranking_visibility"], body["conflict_threshold"]) == (
        "self_assessment",
        "own",
        "3.00",
    )
    assert body["assessors"] == [world["county_admin"].pk]
    assessment = Assessment.objects.get(pk=body["id"])
    assert sorted(assessment.units.values_list("organization__name", flat=True)) == [
        "A1村党支部",
        "A2社区党支部",
    ]
    assert (
        evaluation_events()
        .filter(object_type="evaluation.assessment", action="create", user=world["county_admin"])
        .exists()
    )


def test_assessment_requests_are_refused_naming_the_field(world, client_as):
    rubric = make_rubric(world)
    version = rubric.latest_version()
    client = client_as("county_admin")
    url = api("assessment-list")
    assert post(client, url, {"version": version.pk, "name": "考核", "year": 2025}).json() == {
        "kinds": ["请填写被考核党组织类别。"]
    }
    assert post(client, url, new_assessment(version, kinds=[])).json() == {
        "kinds": ["请至少选择一个党组织类别。"]
    }
    assert post(client, url, new_assessment(version, year=1999)).json() == {
        "year": ["考核年度不能早于2000年。"]
    }
    late = timezone.localdate().year + 2
    assert post(client, url, new_assessment(version, year=late)).json() == {
        "year": [f"考核年度不能晚于{late - 1}年。"]
    }
    assert post(client, url, new_assessment(version, kinds=["general_branch"])).json() == {
        "kinds": ["考核范围内没有所选类别的党组织，请调整考核范围或类别。"]
    }
    blind = post(client, url, new_assessment(version, assessors=[world["town_a_admin"].pk])).json()
    assert blind == {"assessors": ["所选评分人无权查看被考核单位。"]}
    assert post(client, url, new_assessment(version, subtree=world["a1"].pk)).json() == {
        "subtree": ["考核范围须在制定细则的党委之下。"]
    }
    draft = services.do_copy_version(version, acting_user=None)
    assert post(client, url, new_assessment(draft)).json() == {"version": ["请选择已发布的考核细则版本。"]}
    # the county's version is no choice for a town's administrator: nothing is created
    town = post(client_as("town_a_admin"), url, new_assessment(version))
    assert town.json() == {"version": ["请选择已发布的考核细则版本。"]}
    assert post(client_as("inspector_a"), url, new_assessment(version)).status_code == 403
    assert not Assessment.objects.exists()


def test_the_committee_changes_the_assessors_until_published(world, client_as):
    assessment = make_assessment(world, make_rubric(world))
    client = client_as("county_admin")
    url = api("assessment-assessors", assessment.pk)
    changed = post(client, url, {"assessors": [world["county_admin"].pk, world["sysadmin"].pk]})
    assert changed.status_code == 200, changed.content
    assert sorted(changed.json()["assessors"]) == sorted([world["county_admin"].pk, world["sysadmin"].pk])
    event = evaluation_events().filter(object_type="evaluation.assessment").latest("pk")
    assert (event.user, event.message) == (
        world["county_admin"],
        "评分人：county_admin、sysadmin；新增：sysadmin",
    )
    blind = post(client, url, {"assessors": [world["town_a_admin"].pk]})
    assert blind.json() == {"assessors": [f"所选评分人无权查看被考核单位：{world['town_a_admin'].pk}。"]}
    assert post(client, url, {}).json() == {"assessors": ["请填写评分人。"]}
    assert post(client_as("branch_a1_admin"), url, {"assessors": []}).status_code == 404
    assert post(client_as("town_a_admin"), url, {"assessors": []}).status_code == 404
    assert assessment.assessors.count() == 2
    published = finished(world, make_rubric(world), MARKS)
    refused = post(client, api("assessment-assessors", published.pk), {"assessors": []})
    assert refused.status_code == 400
    assert refused.json() == {"assessors": [f"考核“{published.name}”已公布结果，评分人不能再更改。"]}


def test_the_stages_through_the_api(world, client_as):
    assessment = make_assessment(world, make_rubric(world), units=("a1", "a2"))
    client = client_as("county_admin")
    assert post(client_as("town_a_admin"), api("assessment-start-scoring", assessment.pk)).status_code == 404
    assert post(client_as("inspector_a"), api("assessment-finalize", assessment.pk)).status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SELF_ASSESSMENT
    early = post(client, api("assessment-fill-computed", assessment.pk))
    assert early.status_code == 400 and "单位自评，不能执行此操作" in early.json()[0]
    started = post(client, api("assessment-start-scoring", assessment.pk))
    assert started.status_code == 200, started.content
    assert (started.json()["assessment"]["status"], started.json()["computed_rows"]) == ("scoring", 2)
    refilled = post(client, api("assessment-fill-computed", assessment.pk))
    assert refilled.status_code == 200 and refilled.json()["computed_rows"] == 2
    unscored = post(client, api("assessment-finalize", assessment.pk))
    assert unscored.status_code == 400 and "有细则未评分" in unscored.json()[0]
    assessment.refresh_from_db()  # the units' assessment is this instance
    assessed, deduction, _ = assessment.version.items()
    for unit in assessment.units.all():
        services.do_score_item(unit, assessed, points=50, acting_user=world["county_admin"])
        services.do_score_item(unit, deduction, occurrences=0, acting_user=world["county_admin"])
    done = post(client, api("assessment-finalize", assessment.pk))
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "published" and done.json()["published_at"]
    actions = set(
        evaluation_events()
        .filter(object_type="evaluation.assessment", user=world["county_admin"])
        .values_list("action", flat=True)
    )
    assert actions == {"start_scoring", "publish"}


def test_a_unit_assesses_itself_through_the_api(world, client_as):
    assessment = make_assessment(world, make_rubric(world))
    own = assessment.units.get(organization=world["a1"])
    other = assessment.units.get(organization=world["b1"])
    assessed = assessment.version.items().first()
    client = client_as("branch_a1_admin")
    made = post(
        client, api("unit-self-assess", own.pk), {"item": assessed.pk, "points": "58", "comment": "有台账"}
    )
    assert made.status_code == 200, made.content
    assert (made.json()["source"], made.json()["points"]) == ("self", "58.00")
    own.refresh_from_db()
    assert own.self_score == D("58")
    assert (
        evaluation_events()
        .filter(object_type="evaluation.itemscore", action="create", user=world["branch_a1_admin"])
        .exists()
    )
    too_many = post(client, api("unit-self-assess", own.pk), {"item": assessed.pk, "points": "61"})
    assert too_many.json() == {"points": [f"“{assessed.text[:20]}”的得分须在0到60.00之间。"]}
    assert post(client, api("unit-self-assess", own.pk), {"item": assessed.pk}).json() == {
        "points": ["请填写自评得分。"]
    }
    foreign = make_rubric(world).latest_version().items().first()
    assert post(client, api("unit-self-assess", own.pk), {"item": foreign.pk, "points": "1"}).json() == {
        "item": ["评分细则须为本次考核所用版本的细则。"]
    }
    assert (
        post(client, api("unit-self-assess", other.pk), {"item": assessed.pk, "points": "1"}).status_code
        == 404
    )
    assert (
        post(
            client_as("inspector_a"), api("unit-self-assess", own.pk), {"item": assessed.pk, "points": "1"}
        ).status_code
        == 403
    )
    assert not ItemScore.objects.filter(unit=other).exists()
    services.do_start_scoring(assessment, acting_user=None)
    closed = post(client, api("unit-self-assess", own.pk), {"item": assessed.pk, "points": "50"})
    assert closed.status_code == 400 and "考核评分，不能执行此操作" in closed.json()[0]
    assert ItemScore.objects.get(unit=own, source=ScoreSource.SELF).points == D("58")
