"""Issue #7's checklist, the parts the other tests left open: computed items of a registered (untraced)
source under each rule end to end, versions seen through the API, stale edits of an old version, appeal
and reconciliation refused at the wrong stage or by the wrong hands."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dangjian.evaluation import services
from dangjian.evaluation.choices import ComputeRule, ScoreSource, ScoringMethod
from dangjian.evaluation.models import ItemScore
from dangjian.targets.sources import SOURCES, Source

from .helpers import finished, make_assessment, make_rubric

pytestmark = pytest.mark.django_db
D = Decimal
MARKS = {"A1村党支部": 55, "A2社区党支部": 50, "B1村党支部": 58}


@pytest.fixture
def satisfaction(world, monkeypatch):
    """A registered source without a traced form: 群众满意率 of A1 92.5, A2 45, B1 nothing yet."""
    values = {world["a1"].pk: D("92.5"), world["a2"].pk: D("45")}
    source = Source(
        "test_satisfaction",
        "群众满意率",
        "%",
        lambda org, year: values.get(org.pk),
        link=lambda org, year: f"/surveys/?organization={org.pk}",
    )
    monkeypatch.setitem(SOURCES, source.key, source)
    return source


def test_computed_threshold_and_proportional_items_from_a_registered_source(world, satisfaction):
    rubric = make_rubric(world, publish=False)
    section = rubric.latest_version().sections.get()
    common = {"method": ScoringMethod.COMPUTED, "source_key": satisfaction.key, "points": D("10")}
    threshold = services.do_add_item(
        section,
        acting_user=None,
        text="群众满意率达到90%",
        rule=ComputeRule.THRESHOLD,
        threshold=90,
        **common,
    )
    proportional = services.do_add_item(
        section,
        acting_user=None,
        text="群众满意率（按比例）",
        rule=ComputeRule.PROPORTIONAL,
        threshold=90,
        **common,
    )
    services.do_publish_version(rubric.latest_version(), acting_user=None)
    assessment = make_assessment(world, rubric)
    services.do_start_scoring(assessment, acting_user=None)
    rows = ItemScore.objects.filter(unit__assessment=assessment, source=ScoreSource.COMPUTED)
    found = {(row.unit.organization.name, row.item_id): row for row in rows}
    assert found[("A1村党支部", threshold.pk)].points == D("10")
    assert found[("A2社区党支部", threshold.pk)].points == D("0")
    assert found[("A1村党支部", proportional.pk)].points == D("10")  # capped at the item's points
    assert found[("A2社区党支部", proportional.pk)].points == D("5")  # 45 / 90 × 10
    b1 = found[("B1村党支部", proportional.pk)]
    assert (b1.value, b1.points, b1.comment) == (None, D("0"), "群众满意率：无记录")
    a1 = found[("A1村党支部", threshold.pk)]
    assert a1.comment == "群众满意率：92.50%"
    assert a1.evidence_url == f"/surveys/?organization={world['a1'].pk}"
    # the scores are the ones a fresh run computes
    from dangjian.evaluation import scoring

    fresh = scoring.score(assessment)
    stored = scoring.results(assessment)
    assert {pk: r.items for pk, r in fresh.items()} == {pk: r.items for pk, r in stored.items()}


def test_a_computed_item_needs_its_rule_and_figures(world, satisfaction):
    section = make_rubric(world, publish=False).latest_version().sections.get()
    base = {"text": "满意率", "points": D("5"), "method": ScoringMethod.COMPUTED}
    with pytest.raises(ValidationError, match="请选择已登记的数据来源"):
        services.do_add_item(section, acting_user=None, source_key="no_such_source", **base)
    with pytest.raises(ValidationError, match="须选择计分规则"):
        services.do_add_item(section, acting_user=None, source_key=satisfaction.key, **base)
    with pytest.raises(ValidationError, match="请填写阈值"):
        services.do_add_item(
            section, acting_user=None, source_key=satisfaction.key, rule=ComputeRule.PROPORTIONAL, **base
        )
    with pytest.raises(ValidationError, match="请填写每次扣分"):
        services.do_add_item(
            section, acting_user=None, source_key=satisfaction.key, rule=ComputeRule.PER_OCCURRENCE, **base
        )


def test_an_old_used_version_is_not_edited_behind_the_new_one(world):
    rubric = make_rubric(world)
    first = finished(world, rubric, MARKS).version
    services.do_change_item(first.items().first(), acting_user=None, evidence="会议记录")
    second = rubric.latest_version()
    services.do_publish_version(second, acting_user=None)
    finished(world, rubric, MARKS, year=2026)
    with pytest.raises(ValidationError, match="请在最新的第2版中修改"):
        services.do_change_item(first.items().first(), acting_user=None, points=D("50"))
    # the latest used version is copied once more
    changed = services.do_change_item(second.items().first(), acting_user=None, points=D("50"))
    assert changed.section.version.number == 3
    assert [v.number for v in rubric.versions.all()] == [1, 2, 3]


def test_the_api_keeps_each_assessment_on_its_version(world, client_as):
    rubric = make_rubric(world)
    assessment = finished(world, rubric, MARKS)
    services.do_change_item(assessment.version.items().first(), acting_user=None, points=D("50"))
    client = client_as("county_admin")
    data = client.get(reverse("evaluation-api:rubric-detail", args=[rubric.pk])).json()
    assert [(v["number"], v["items"][0]["points"]) for v in data["versions"]] == [(1, "60.00"), (2, "50.00")]
    detail = client.get(reverse("evaluation-api:assessment-detail", args=[assessment.pk])).json()
    assert detail["version"] == assessment.version_id == data["versions"][0]["id"]


def test_appeals_and_reconciliation_at_the_wrong_stage_or_by_the_wrong_hands(world):
    assessment = make_assessment(world, make_rubric(world), units=("a1",))
    unit = assessment.units.get()
    item = assessment.version.items().get(method=ScoringMethod.ASSESSED)
    with pytest.raises(ValidationError, match="单位自评"):
        services.do_file_appeal(unit, item, "尚未公布", acting_user=None)
    with pytest.raises(ValidationError, match="单位自评"):
        services.do_reconcile(unit, item, 50, acting_user=None)
    with pytest.raises(PermissionDenied):
        services.do_file_appeal(
            unit,
            item,
            "他人申诉",
            acting_user=world["town_a_admin"].__class__.objects.get(username="member_a1"),
        )
    services.do_start_scoring(assessment, acting_user=None)
    with pytest.raises(PermissionDenied):
        services.do_reconcile(unit, item, 50, acting_user=world["town_a_admin"])  # not the committee
    with pytest.raises(ValidationError, match="按记录计算的细则由系统计算"):
        services.do_score_item(
            unit,
            assessment.version.items().get(method=ScoringMethod.COMPUTED),
            points=5,
            acting_user=world["county_admin"],
        )
