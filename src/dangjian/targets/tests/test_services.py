"""目标责任 services: cascade, refusals, computed figures equal to the engines' own, roll-up, commitments,
evaluation and its snapshot."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.activities import compliance
from dangjian.audit.models import AuditEvent
from dangjian.development.statistics import admissions
from dangjian.study.totals import per_member
from dangjian.targets import services
from dangjian.targets.choices import Grade, TargetStatus
from dangjian.targets.models import Indicator, Target
from dangjian.targets.rollup import rollup
from dangjian.targets.sources import SOURCES

from .factories import ENTERED, HOURS, RATE, THEME_DAYS, YEAR, make_target, record, study_session

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def decompose(target, world, *keys, **options):
    orgs = [world[k] for k in keys] if keys else None
    return services.do_decompose_target(target, acting_user=None, organizations=orgs, **options)


def test_cascade_links_children_and_indicators(world, town_target):
    children = decompose(town_target, world)
    assert {c.organization.pk for c in children} == {world["a1"].pk, world["a2"].pk}
    parent_indicator = town_target.indicators.get()
    for child in Target.objects.filter(parent=town_target):
        assert child.status == TargetStatus.ISSUED and child.issued_by == world["town_a"]
        copy = child.indicators.get()
        assert copy.parent == parent_indicator and copy.target_value == Decimal("10")
    assert AuditEvent.objects.filter(object_type="targets.indicator", message="逐级分解").count() == 2


def test_decomposition_refused_outside_the_subtree_and_twice(world, town_target):
    with pytest.raises(ValidationError, match="B1村党支部.*不在.*A镇党委"):
        decompose(town_target, world, "b1")
    with pytest.raises(ValidationError, match="不在"):
        decompose(town_target, world, "town_a")
    decompose(town_target, world, "a1")
    with pytest.raises(ValidationError, match="已有由此目标分解的目标"):
        decompose(town_target, world, "a1")
    with pytest.raises(PermissionDenied):
        services.do_decompose_target(town_target, acting_user=world["branch_a1_admin"])


def test_draft_target_cannot_be_decomposed(world):
    draft = make_target(world, "town_a", issue=False)
    with pytest.raises(ValidationError, match="已下达"):
        decompose(draft, world)


def test_split_evenly_and_by_member_count(world, town_target):
    indicator = town_target.indicators.get()
    decompose(town_target, world, "a1", "a2", split={indicator.pk: "members"})
    values = dict(
        Indicator.objects.filter(parent=indicator).values_list("target__organization", "target_value")
    )
    # A1 holds 张三丰 and 李四, A2 王五: 10 split 2:1, rounded, adding up to 10.
    assert values == {world["a1"].pk: Decimal("6.67"), world["a2"].pk: Decimal("3.33")}
    other = make_target(world, "town_a", indicators=[{**ENTERED, "name": "走访群众"}])
    first = other.indicators.get()
    decompose(other, world, split={first.pk: "even"})
    assert set(Indicator.objects.filter(parent=first).values_list("target_value", flat=True)) == {
        Decimal("5")
    }


def test_a_rate_is_not_split(world):
    target = make_target(world, "town_a", indicators=[RATE])
    with pytest.raises(ValidationError, match="比率类指标不能分配总量"):
        decompose(target, world, split={target.indicators.get().pk: "even"})


def test_a_target_for_a_person_of_the_organization(world):
    branch = make_target(world, "a1", by="town_a")
    [personal] = services.do_decompose_target(branch, acting_user=None, members=[world["zhang"]])
    assert personal.organization == world["a1"] and personal.responsible_member == world["zhang"]
    with pytest.raises(ValidationError, match="不是“A1村党支部”的党员"):
        services.do_decompose_target(branch, acting_user=None, members=[world["zhao"]])


def test_scope_of_writes(world):
    with pytest.raises(PermissionDenied):
        services.do_create_target(
            acting_user=world["town_a_admin"], organization=world["b1"], year=YEAR, title="越权"
        )
    with pytest.raises(ValidationError, match="下达党组织须为责任党组织本身或其上级"):
        make_target(world, "a1", by="town_b")


def _rate(totals) -> Decimal:
    return (Decimal(totals["met"]) * 100 / (totals["met"] + totals["missed"])).quantize(Decimal("0.01"))


def test_computed_values_equal_the_engines_figures(world):
    for month in (3, 6, 9):
        record(world, "a1", "theme_day", date(YEAR, month, 8))
    record(world, "a2", "theme_day", date(YEAR, 5, 8))
    record(world, "a1", "general_meeting", date(YEAR, 3, 20))
    study_session(world, "a1", date(YEAR, 4, 2))
    study_session(world, "a2", date(YEAR, 4, 3), absent={world["wang"].pk: "official"})
    target = make_target(world, "town_a", indicators=[RATE, HOURS, THEME_DAYS])
    decompose(target, world)
    every = Target.objects.filter(year=YEAR)
    services.do_refresh_computed(list(every), acting_user=None)
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    for row in Target.objects.filter(year=YEAR).select_related("organization"):
        org = row.organization
        figures = {i.source_key: i.actual_value for i in row.indicators.all()}
        assert figures["compliance_rate"] == _rate(compliance.compute(org, first, last).totals())
        hours = [m.hours for m in per_member(org.path, first, last).values()]
        assert figures["study_hours_per_member"] == (sum(hours) / len(hours)).quantize(Decimal("0.01"))
        expected_days = {"town_a": 4, "a1": 3, "a2": 1}[world.key_of(org)]
        assert figures["theme_days"] == expected_days
    assert (
        SOURCES["admissions"].value(world["town_a"], YEAR) == admissions(world["town_a"], first, last).count()
    )
    assert SOURCES["study_hours_total"].value(world["a1"], YEAR) == Decimal(
        "2.00"
    )  # 张三丰 2 学时 (李四 joined later)


def test_batch_and_single_forms_agree(world):
    record(world, "a1", "theme_day", date(YEAR, 3, 8))
    study_session(world, "a1", date(YEAR, 4, 2))
    orgs = [world["a1"], world["a2"]]
    for key in SOURCES:
        source = SOURCES[key]
        assert source.values(orgs, YEAR) == {org.pk: source.value(org, YEAR) for org in orgs}, key


def test_rollup_sums_and_counts_reached(world, town_target):
    decompose(town_target, world)
    a1, a2 = (Target.objects.get(parent=town_target, organization=world[k]) for k in ("a1", "a2"))
    services.do_enter_actual(a1.indicators.get(), acting_user=world["branch_a1_admin"], value=Decimal("12"))
    services.do_enter_actual(a2.indicators.get(), acting_user=None, value=Decimal("5"))
    [row] = rollup(town_target).rows
    assert (row.target_total, row.actual_total, row.reached_count, row.count) == (20, 17, 1, 2)
    entered = a1.indicators.get()
    assert entered.actual_by == world["branch_a1_admin"] and entered.actual_at is not None


def test_rollup_of_rates_is_the_childrens_mean(world):
    target = make_target(world, "town_a", indicators=[{**RATE, "source_kind": "entered", "source_key": ""}])
    decompose(target, world)
    for key, value in (("a1", "100"), ("a2", "70")):
        child = Target.objects.get(parent=target, organization=world[key])
        services.do_enter_actual(child.indicators.get(), acting_user=None, value=Decimal(value))
    [row] = rollup(target).rows
    assert (row.target_total, row.actual_total, row.reached_count) == (Decimal("90"), Decimal("85"), 1)


def test_rollup_reads_in_three_queries(world, town_target, django_assert_num_queries):
    decompose(town_target, world)
    with django_assert_num_queries(4):  # indicators, children, their commitments, their indicators
        found = rollup(town_target)
        assert len(found.rows[0].children) == 2


def test_entered_values_refused_for_computed_and_closed(world):
    target = make_target(world, "a1", by="town_a", indicators=[THEME_DAYS])
    with pytest.raises(ValidationError, match="由系统从记录计算"):
        services.do_enter_actual(target.indicators.get(), acting_user=None, value=3)
    with pytest.raises(PermissionDenied):
        services.do_enter_actual(target.indicators.get(), acting_user=world["inspector_a"], value=3)


def test_e_confirm_by_the_responsible_user_only(world, town_target):
    decompose(town_target, world)
    a1 = Target.objects.get(parent=town_target, organization=world["a1"])
    with pytest.raises(PermissionDenied, match="A1村党支部的管理员"):
        services.do_sign_commitment(a1, acting_user=world["town_a_admin"], kind="responsibility")
    commitment = services.do_sign_commitment(a1, acting_user=world["branch_a1_admin"], kind="responsibility")
    assert commitment.signed_by == world["branch_a1_admin"] and commitment.signed_at
    a1.refresh_from_db()
    assert a1.status == TargetStatus.SIGNED
    with pytest.raises(ValidationError, match="已签订"):
        services.do_sign_commitment(a1, acting_user=world["branch_a1_admin"], kind="responsibility")
    [personal] = services.do_decompose_target(a1, acting_user=None, members=[world["li"]])
    with pytest.raises(PermissionDenied, match="责任人李四本人"):
        services.do_sign_commitment(personal, acting_user=world["branch_a1_admin"], kind="pledge")
    pledge = services.do_sign_commitment(personal, acting_user=world["member_a1"], kind="pledge")
    assert pledge.signed_by == world["member_a1"]


def test_upload_of_the_signed_scan(world, town_target):
    bad = SimpleUploadedFile("责任书.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError, match="类型不受支持"):
        services.do_upload_commitment(town_target, acting_user=None, kind="responsibility", upload=bad)
    good = SimpleUploadedFile("../../责任书.pdf", PDF, content_type="application/pdf")
    commitment = services.do_upload_commitment(
        town_target, acting_user=world["county_admin"], kind="responsibility", upload=good
    )
    assert commitment.original_name == "责任书.pdf" and commitment.content_type == "application/pdf"
    assert commitment.file.name.startswith(f"targets/{YEAR}/") and commitment.file.name.endswith(".pdf")
    with pytest.raises(PermissionDenied):
        services.do_upload_commitment(
            town_target, acting_user=world["branch_a1_admin"], kind="pledge", upload=good
        )


def test_scoring_rule():
    at_least = Indicator(
        target_value=Decimal("10"), points=Decimal("20"), comparison="gte", scoring="proportional"
    )
    assert services.score_indicator(at_least, Decimal("12")) == Decimal("20")
    assert services.score_indicator(at_least, Decimal("5")) == Decimal("10.00")
    assert services.score_indicator(at_least, None) == 0
    at_most = Indicator(
        target_value=Decimal("2"), points=Decimal("10"), comparison="lte", scoring="proportional"
    )
    assert services.score_indicator(at_most, Decimal("4")) == Decimal("5.00")
    strict = Indicator(
        target_value=Decimal("10"), points=Decimal("20"), comparison="gte", scoring="all_or_nothing"
    )
    assert services.score_indicator(strict, Decimal("9.99")) == 0
    assert services.grade_for(Decimal("90"), Decimal("100")) == Grade.EXCELLENT
    assert services.grade_for(Decimal("59.99"), Decimal("100")) == Grade.FAIL


def test_evaluation_scores_overrides_and_snapshot(world):
    for month in (3, 6):
        record(world, "a1", "theme_day", date(YEAR, month, 8))
    target = make_target(world, "a1", by="town_a", indicators=[ENTERED, THEME_DAYS])
    entered, computed = target.indicators.order_by("position")
    services.do_enter_actual(entered, acting_user=None, value=Decimal("5"))
    with pytest.raises(PermissionDenied):
        services.do_evaluate_target(
            target, acting_user=world["branch_a1_admin"], evaluated_on=date(YEAR, 12, 30)
        )
    with pytest.raises(ValidationError, match="须注明理由"):
        services.do_evaluate_target(
            target,
            acting_user=world["town_a_admin"],
            evaluated_on=date(YEAR, 12, 30),
            overrides={entered.pk: (Decimal("12"), "")},
        )
    evaluation = services.do_evaluate_target(
        target,
        acting_user=world["town_a_admin"],
        evaluated_on=date(YEAR, 12, 30),
        overrides={entered.pk: (Decimal("12"), "志愿服务另有记录未录入")},
        comment="完成较好。",
    )
    scores = {s.indicator_id: s for s in evaluation.scores.all()}
    # 5 of 10 → 10 of 20 points by the rule, 12 given; 2 theme days of 4 → 10 of 20.
    assert (scores[entered.pk].rule_score, scores[entered.pk].score) == (Decimal("10"), Decimal("12"))
    assert (scores[computed.pk].actual_value, scores[computed.pk].score) == (Decimal("2"), Decimal("10"))
    assert (evaluation.total_score, evaluation.full_score, evaluation.grade) == (22, 40, Grade.FAIL)
    target.refresh_from_db()
    assert target.status == TargetStatus.EVALUATED
    record(world, "a1", "theme_day", date(YEAR, 9, 8))  # the records change after the evaluation
    services.do_refresh_computed([target], acting_user=None)
    with pytest.raises(ValidationError, match="已考评"):
        services.do_enter_actual(entered, acting_user=None, value=Decimal("10"))
    with pytest.raises(ValidationError):
        services.do_evaluate_target(target, acting_user=None, evaluated_on=date(YEAR, 12, 31))
    assert evaluation.scores.get(indicator=computed).actual_value == Decimal("2")
    assert SOURCES["theme_days"].value(world["a1"], YEAR) == 3


def test_withdraw_cascades_and_keeps_the_rows(world, town_target):
    decompose(town_target, world)
    with pytest.raises(ValidationError, match="注明原因"):
        services.do_withdraw_target(town_target, acting_user=None, reason=" ")
    found = services.do_withdraw_target(town_target, acting_user=world["county_admin"], reason="年度目标调整")
    assert len(found) == 3
    assert set(Target.objects.values_list("status", flat=True)) == {TargetStatus.WITHDRAWN}
    decompose_again = make_target(world, "town_a", by="root")
    assert len(decompose(decompose_again, world)) == 2  # withdrawn copies do not block a new cascade


def test_the_issuing_level_sets_the_indicators(world):
    target = make_target(world, "a1", by="town_a")
    with pytest.raises(PermissionDenied):
        services.do_add_indicator(target, acting_user=world["branch_a1_admin"], **{**ENTERED, "name": "自定"})
    with pytest.raises(PermissionDenied):
        services.do_change_target(target, acting_user=world["branch_a1_admin"], title="自改")
    indicator = services.do_change_indicator(
        target.indicators.get(), acting_user=world["town_a_admin"], target_value=Decimal("12")
    )
    assert indicator.target_value == Decimal("12")
    assert AuditEvent.objects.filter(object_type="targets.indicator", action="update").exists()


def test_refresh_command_recomputes_the_open_targets_of_a_year(world):
    from io import StringIO

    from django.core.management import call_command

    record(world, "a1", "theme_day", date(YEAR, 3, 8))
    target = make_target(world, "a1", by="town_a", indicators=[THEME_DAYS])
    out = StringIO()
    call_command("targets", "refresh", "--year", str(YEAR), stdout=out)
    assert out.getvalue().strip() == f"{YEAR}年：1份目标，1项指标数值有变化。"
    assert target.indicators.get().actual_value == 1


def test_evaluate_the_children_together(world, town_target):
    services.do_decompose_target(town_target, acting_user=None)
    a1 = Target.objects.get(parent=town_target, organization=world["a1"])
    services.do_enter_actual(a1.indicators.get(), acting_user=None, value=Decimal("10"))
    with pytest.raises(PermissionDenied):
        services.do_evaluate_children(
            town_target, acting_user=world["branch_a1_admin"], evaluated_on=date(YEAR, 12, 30)
        )
    found = services.do_evaluate_children(
        town_target, acting_user=world["town_a_admin"], evaluated_on=date(YEAR, 12, 30)
    )
    assert sorted(e.total_score for e in found) == [0, 20]
    assert set(Target.objects.filter(parent=town_target).values_list("status", flat=True)) == {"evaluated"}
    with pytest.raises(ValidationError, match="没有待考评的下级目标"):
        services.do_evaluate_children(town_target, acting_user=None, evaluated_on=date(YEAR, 12, 31))


def test_a_child_named_twice_gets_one_copy(world, town_target):
    children = decompose(town_target, world, "a1", "a1", "a2")
    assert sorted(c.organization.code for c in children) == ["XW-A-01", "XW-A-02"]
