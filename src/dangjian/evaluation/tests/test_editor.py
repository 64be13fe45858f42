"""The rubric editor pages: a committee creates a rubric, edits sections, items and the rating scale
(htmx or plain forms), a used version is changed in a new one, and no item may score app usage."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.evaluation import services
from dangjian.evaluation.choices import ComputeRule, ScoringMethod
from dangjian.evaluation.models import Rubric, RubricItem
from dangjian.evaluation.sources import OVERDUE_TASKS

from .helpers import finished, make_rubric

pytestmark = pytest.mark.django_db
D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}
MARKS = {"A1村党支部": 55, "A2社区党支部": 50, "B1村党支部": 58}


def item_data(prefix, **fields):
    data = {"text": "班子团结", "points": "10", "method": "assessed", "floor": "", "evidence": ""}
    data.update(fields)
    return {f"{prefix}-{key}": value for key, value in data.items()}


@pytest.fixture
def town_rubric(world, client_as):
    client = client_as("town_a_admin")
    response = client.post(
        reverse("evaluation:rubric_add"), {"organization": world["town_a"].pk, "name": "A镇五好党支部细则"}
    )
    rubric = Rubric.objects.get(name="A镇五好党支部细则")
    assert response.url == reverse("evaluation:rubric_edit", args=[rubric.pk])
    client.post(reverse("evaluation:section_add", args=[rubric.pk]), {"section-title": "支部班子好"})
    return rubric


def test_a_committee_creates_a_rubric_and_a_branch_may_not(world, client_as, town_rubric):
    assert town_rubric.organization == world["town_a"]
    assert town_rubric.latest_version().sections.get().title == "支部班子好"
    assert AuditEvent.objects.filter(object_type="evaluation.rubric", action="create").exists()
    branch = client_as("branch_a1_admin")
    page = branch.get(reverse("evaluation:rubric_add"))
    assert "您没有可管理的党委" in page.content.decode()
    refused = branch.post(reverse("evaluation:rubric_add"), {"organization": world["a1"].pk, "name": "细则"})
    assert "请选择您管理的党委" in refused.content.decode()
    # the county's rubric is not the town's to edit: out of its change scope
    county = make_rubric(world, publish=False)
    assert (
        client_as("town_a_admin").get(reverse("evaluation:rubric_edit", args=[county.pk])).status_code == 404
    )
    missing = client_as("town_a_admin").post(reverse("evaluation:rubric_add"), {"organization": ""})
    text = missing.content.decode()
    assert "请选择制定单位" in text and "请填写细则名称" in text


def test_items_of_every_method_through_htmx(world, client_as, town_rubric):
    client = client_as("town_a_admin")
    section = town_rubric.latest_version().sections.get()
    url = reverse("evaluation:item_add", args=[section.pk])
    form = client.get(url, **HTMX)
    text = form.content.decode()
    assert "<html" not in text and 'hx-post="' + url in text
    # the computed sources come from the targets' registry, shown with their label
    assert f'value="{OVERDUE_TASKS}"' in text and "逾期未办结任务数（件）" in text
    prefix = f"new{section.pk}"
    made = client.post(url, item_data(prefix, text="班子团结、分工明确", points="40"), **HTMX)
    assert made["HX-Retarget"] == "#rubric-editor" and "班子团结、分工明确" in made.content.decode()
    client.post(
        url,
        item_data(
            prefix, text="组织生活记录缺项", points="20", method="deduction", per_occurrence="5", floor="5"
        ),
        **HTMX,
    )
    client.post(
        url,
        item_data(
            prefix,
            text="交办任务按期办结",
            points="20",
            method="computed",
            source_key=OVERDUE_TASKS,
            rule="per_occurrence",
            per_occurrence="4",
            threshold="99",
        ),
        **HTMX,
    )
    client.post(
        url,
        item_data(
            prefix,
            text="主题党日开展",
            points="20",
            method="computed",
            source_key="theme_days",
            rule="threshold",
            threshold="12",
            per_occurrence="3",
        ),
        **HTMX,
    )
    items = {item.text: item for item in RubricItem.objects.filter(section=section)}
    assert items["组织生活记录缺项"].method == ScoringMethod.DEDUCTION
    assert (items["组织生活记录缺项"].per_occurrence, items["组织生活记录缺项"].floor) == (D("5"), D("5"))
    overdue = items["交办任务按期办结"]
    # a stale threshold of another rule is not kept
    assert (overdue.source_key, overdue.rule, overdue.threshold) == (
        OVERDUE_TASKS,
        ComputeRule.PER_OCCURRENCE,
        None,
    )
    theme = items["主题党日开展"]
    assert (theme.rule, theme.threshold, theme.per_occurrence) == (ComputeRule.THRESHOLD, D("12"), None)
    assert [item.position for item in items.values()] == [1, 2, 3, 4]
    editor = client.get(reverse("evaluation:rubric_edit", args=[town_rubric.pk])).content.decode()
    assert "逾期未办结任务数" in editor and "每次扣5.00分，最低5.00分" in editor


def test_form_errors_name_the_field_in_chinese(world, client_as, town_rubric):
    client = client_as("town_a_admin")
    section = town_rubric.latest_version().sections.get()
    url = reverse("evaluation:item_add", args=[section.pk])
    prefix = f"new{section.pk}"
    usage = client.post(url, item_data(prefix, text="党员每日登录学习平台"), **HTMX).content.decode()
    assert "考核不得以平台使用情况计分" in usage and "is-invalid" in usage
    assert 'id="form-new-item-' in usage  # the form comes back in place, with the error at the field
    empty = client.post(url, item_data(prefix, text="", points=""), **HTMX).content.decode()
    assert "请填写考核内容" in empty and "请填写分值" in empty
    zero = client.post(url, item_data(prefix, points="0"), **HTMX).content.decode()
    assert "分值必须大于0" in zero
    deduction = client.post(url, item_data(prefix, method="deduction"), **HTMX).content.decode()
    assert "按次扣分的细则须填写每次扣分" in deduction
    computed = client.post(
        url, item_data(prefix, method="computed", rule="threshold"), **HTMX
    ).content.decode()
    assert "请选择已登记的数据来源" in computed
    floor = client.post(
        url, item_data(prefix, method="deduction", per_occurrence="2", floor="20"), **HTMX
    ).content.decode()
    assert "最低得分不能高于分值" in floor
    # without htmx the same refusal is a whole page with the form
    page = client.post(url, item_data(prefix, text="打卡签到率"))
    assert page.status_code == 200 and "<html" in page.content.decode() and "打卡" in page.content.decode()
    assert not RubricItem.objects.filter(section=section).exists()


def test_editing_a_used_version_makes_a_new_one(world, client_as):
    rubric = make_rubric(world)
    assessment = finished(world, rubric, MARKS)
    first = assessment.version
    item = first.items().get(method=ScoringMethod.ASSESSED)
    client = client_as("county_admin")
    editor = client.get(reverse("evaluation:rubric_edit", args=[rubric.pk])).content.decode()
    assert "已被考核使用" in editor
    url = reverse("evaluation:item_edit", args=[item.pk])
    response = client.post(
        url, item_data(f"item{item.pk}", text="班子团结、分工明确、制度健全", points="60"), follow=True
    )
    assert "本次修改保存在新的第2版中" in response.content.decode()
    second = rubric.latest_version()
    assert second.number == 2 and second.items().count() == 3
    assert second.items().filter(text="班子团结、分工明确、制度健全").exists()
    item.refresh_from_db()
    assert item.text == "班子团结、分工明确" and item.section.version == first
    # further edits change version 2 in place; the finished assessment keeps version 1
    removed = second.items().get(method=ScoringMethod.DEDUCTION)
    client.post(reverse("evaluation:item_remove", args=[removed.pk]), **HTMX)
    assert rubric.versions.count() == 2 and second.items().count() == 2
    assessment.refresh_from_db()
    assert assessment.version == first and first.items().count() == 3
    # an item refused on a used version leaves no empty copy behind
    third = finished(
        world, rubric, MARKS, year=2026, version=services.do_publish_version(second, acting_user=None)
    )
    section = third.version.sections.get()
    client.post(
        reverse("evaluation:item_add", args=[section.pk]),
        item_data(f"new{section.pk}", text="积分排名"),
        **HTMX,
    )
    assert rubric.versions.count() == 2


def test_rating_scale_presets_and_validation(world, client_as, town_rubric):
    client = client_as("town_a_admin")
    url = reverse("evaluation:rubric_bands", args=[town_rubric.pk])
    stars = client.get(url + "?preset=stars", **HTMX).content.decode()
    assert 'value="五星"' in stars and 'value="星级评定"' in stars
    data = {
        "scale-scale_name": "星级评定",
        "bands-TOTAL_FORMS": "6",
        "bands-INITIAL_FORMS": "0",
    }
    rows = [("五星", "90"), ("四星", "80"), ("三星", "70"), ("二星", "60"), ("一星", "0"), ("", "")]
    for n, (label, score) in enumerate(rows):
        data[f"bands-{n}-label"], data[f"bands-{n}-min_score"] = label, score
    client.post(url, data, **HTMX)
    version = town_rubric.latest_version()
    version.refresh_from_db()
    assert version.scale_name == "星级评定"
    assert [version.rating_for(D(s)) for s in ("90", "89.99", "60", "59.99")] == [
        "五星",
        "四星",
        "二星",
        "一星",
    ]
    bad = {**data, "bands-1-label": "五星"}
    assert "第2行：等次“五星”与第1行重复" in client.post(url, bad, **HTMX).content.decode()
    same = {**data, "bands-1-min_score": "90"}
    assert "无法区分等次" in client.post(url, same, **HTMX).content.decode()
    half = {**data, "bands-5-label": "零星"}
    assert "第6行：请同时填写等次名称和最低分" in client.post(url, half, **HTMX).content.decode()
    assert version.bands.count() == 5


def test_publish_through_the_editor(world, client_as, town_rubric):
    client = client_as("town_a_admin")
    publish = reverse("evaluation:rubric_publish", args=[town_rubric.pk])
    refused = client.post(publish, follow=True).content.decode()
    assert "请先添加评分细则再发布" in refused
    section = town_rubric.latest_version().sections.get()
    services.do_add_item(section, acting_user=None, text="班子团结", points=D("100"))
    services.do_set_bands(town_rubric.latest_version(), [("合格", 60)], acting_user=None)
    client.post(publish)
    assert town_rubric.latest_version().published_at is not None


def test_sections_are_renamed_and_removed(world, client_as, town_rubric):
    client = client_as("town_a_admin")
    section = town_rubric.latest_version().sections.get()
    services.do_add_item(section, acting_user=None, text="班子团结", points=D("10"))
    url = reverse("evaluation:section_edit", args=[section.pk])
    client.post(url, {"section-title": "班子建设好"})
    section.refresh_from_db()
    assert section.title == "班子建设好"
    client.post(url, {"remove": "1"}, **HTMX)
    assert not town_rubric.latest_version().sections.exists()
    assert AuditEvent.objects.filter(
        message__contains="删除考核项目“班子建设好”及其评分细则：班子团结"
    ).exists()
    # another committee's section is not found
    assert (
        client_as("town_a_admin")
        .post(
            reverse("evaluation:section_edit", args=[make_rubric(world).latest_version().sections.get().pk]),
            {"remove": "1"},
        )
        .status_code
        == 404
    )


def test_the_rubric_list(world, client_as, town_rubric):
    make_rubric(world)
    town = client_as("town_a_admin").get(reverse("evaluation:rubric_list")).content.decode()
    assert "A镇五好党支部细则" in town and "五好党支部评估细则" not in town and "新建考核细则" in town
    branch = client_as("branch_a1_admin").get(reverse("evaluation:rubric_list")).content.decode()
    assert "A镇五好党支部细则" not in branch and "新建考核细则" not in branch
    county = client_as("county_admin").get(reverse("evaluation:rubric_list")).content.decode()
    assert "A镇五好党支部细则" in county and "五好党支部评估细则" in county
