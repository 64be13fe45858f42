"""双推双考: a committee's requirement for its subtree refuses step 3 or 7 without the two recommendations
and the two passed examinations; not elsewhere, not before it applies; audited; scoped."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import AuditEvent
from dangjian.development import engine, services
from dangjian.development.models import DualRequirement

from .test_engine import timeline
from .test_services import open_file, record

pytestmark = pytest.mark.django_db

DUAL = {
    "party_recommendation": {"participants": 20, "for": 15},
    "public_recommendation": {"participants": 30, "for": 18},
    "written_exam": {"score": 78, "pass_mark": 60},
    "interview": {"score": 60, "pass_mark": 60},
}


def require_dual(world, org="town_a", user="town_a_admin", **extra):
    extra.setdefault("for_activists", True)
    return services.do_set_dual_requirement(
        acting_user=world[user], organization=world[org], valid_from=date(2021, 1, 1), **extra
    )


def test_engine_dual_problems_at_the_pass_mark():
    assert engine.dual_problems(3, DUAL) == []
    low = {**DUAL, "interview": {"score": 59.5, "pass_mark": 60}}
    assert [c for c, _ in engine.dual_problems(3, low)] == ["dual_failed"]
    assert "面试成绩59.5分，低于合格分数线60分" in engine.dual_problems(3, low)[0][1]
    assert [c for c, _ in engine.dual_problems(7, {})] == ["dual_missing"] * 4
    odd = {**DUAL, "public_recommendation": {"participants": 10, "for": 11}}
    assert [c for c, _ in engine.dual_problems(7, odd)] == ["dual_numbers"]
    none = {**DUAL, "party_recommendation": {"participants": 10, "for": 0}}
    assert [c for c, _ in engine.dual_problems(7, none)] == ["dual_not_recommended"]


def test_required_step_refused_without_the_fields_and_recorded_with_them(world):
    require_dual(world)
    file = open_file(world)
    record(world, file, 2)
    with pytest.raises(services.StepRefused) as refused:
        services.do_record_step(file, acting_user=world["branch_a1_admin"], no=3, date=date(2021, 9, 1))
    text = "；".join(refused.value.messages)
    assert "须填写党员推荐的参加人数和推荐票数（A镇党委双推双考要求）" in text
    assert "须填写面试成绩和合格分数线" in text
    failed = {**DUAL, "written_exam": {"score": 59, "pass_mark": 60}}
    with pytest.raises(services.StepRefused) as refused:
        services.do_record_step(
            file, acting_user=world["branch_a1_admin"], no=3, date=date(2021, 9, 1), fields=failed
        )
    assert refused.value.messages == [
        "第3步「推荐和确定入党积极分子」笔试成绩59分，低于合格分数线60分（A镇党委双推双考要求）"
    ]
    assert not file.steps.filter(no=3).exists()
    services.do_record_step(
        file, acting_user=world["branch_a1_admin"], no=3, date=date(2021, 9, 1), fields=DUAL
    )
    file.refresh_from_db()
    assert file.stage == "activist"


def test_requirement_covers_only_its_steps_subtree_and_period(world):
    require_dual(world)  # step 3 only, town A
    file = open_file(world)
    record(world, file, 2)
    services.do_record_step(
        file, acting_user=world["branch_a1_admin"], no=3, date=date(2021, 9, 1), fields=DUAL
    )
    for raw in timeline():
        if 4 <= raw["no"] <= 6:
            fields = {k: v for k, v in raw.items() if k not in ("no", "date")}
            services.do_record_step(
                file,
                acting_user=world["branch_a1_admin"],
                no=raw["no"],
                date=date.fromisoformat(raw["date"]),
                fields=fields,
            )
    # step 7 is not required by this requirement
    services.do_record_step(file, acting_user=world["branch_a1_admin"], no=7, date=date(2022, 9, 1))
    # a branch of town B is not under town A's requirement
    other = open_file(world, user="county_admin", org="b1", name="李四", seq=512)
    record(world, other, 3, user="county_admin")
    assert other.steps.filter(no=3).exists()


def test_not_before_valid_from_nor_after_the_end(world):
    requirement = require_dual(world, for_candidates=True)
    services.do_end_dual_requirement(
        requirement, acting_user=world["town_a_admin"], valid_until=date(2021, 8, 31)
    )
    file = open_file(world)
    record(world, file, 7)  # step 3 on 2021-09-01 and step 7 after the end: no fields needed
    assert file.steps.filter(no=7).exists()
    requirement.refresh_from_db()
    assert requirement.valid_until == date(2021, 8, 31)
    actions = list(
        AuditEvent.objects.filter(
            object_type="development.dualrequirement", object_id=str(requirement.pk)
        ).values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "deactivate"]


def test_override_by_committee_admin(world):
    require_dual(world)
    file = open_file(world)
    record(world, file, 2)
    step = services.do_record_step(
        file, acting_user=world["town_a_admin"], no=3, date=date(2021, 9, 1), override_reason="县委批准试点"
    )
    assert any("双推双考" in m for m in step.overridden)


def test_set_requirement_scope_and_validation(world):
    with pytest.raises(PermissionDenied):
        require_dual(world, org="town_b", user="town_a_admin")
    with pytest.raises(PermissionDenied):
        require_dual(world, user="branch_a1_admin")
    with pytest.raises(ValidationError) as error:
        require_dual(world, org="a1", user="county_admin")
    assert "由党委（党总支）对其下属党支部提出" in str(error.value)
    with pytest.raises(ValidationError) as error:
        require_dual(world, for_activists=False)
    assert "至少适用于" in str(error.value)
    requirement = require_dual(world)
    assert requirement in DualRequirement.objects.visible_to(world["town_a_admin"])
    outside = services.do_set_dual_requirement(
        acting_user=world["county_admin"],
        organization=world["town_b"],
        valid_from=date(2021, 1, 1),
        for_candidates=True,
    )
    assert outside not in DualRequirement.objects.visible_to(world["town_a_admin"])
    assert not DualRequirement.objects.visible_to(world["nobody"]).exists()


def test_the_step_form_carries_the_dual_fields(world, client_as):
    from django.urls import reverse

    require_dual(world)
    file = open_file(world)
    record(world, file, 2)
    client = client_as("branch_a1_admin")
    url = reverse("development:step_add", args=[file.pk])
    base = {"no": 3, "date": "2021-09-01", "party_participants": 20, "party_for": 15}
    refused = client.post(url, base)
    assert refused.status_code == 200
    assert "须填写群众推荐的参加人数和推荐票数" in refused.content.decode()
    full = {
        **base,
        "public_participants": 30,
        "public_for": 18,
        "written_score": "78",
        "written_pass_mark": "60",
        "interview_score": "60",
        "interview_pass_mark": "60",
    }
    assert client.post(url, full).status_code == 302
    step = file.steps.get(no=3)
    assert step.fields["interview"] == {"score": 60.0, "pass_mark": 60.0}
    assert step.fields["party_recommendation"] == {"participants": 20, "for": 15}


def test_set_and_end_on_the_page_and_in_the_api(world, client_as):
    import json

    from django.urls import reverse

    page = client_as("town_a_admin")
    response = page.post(
        reverse("development:dual_list"),
        {"organization": world["town_a"].pk, "for_candidates": "on", "valid_from": "2025-01-01"},
    )
    assert response.status_code == 302
    requirement = DualRequirement.objects.get(organization=world["town_a"])
    assert requirement.steps == [7]
    assert "确定发展对象" in page.get(reverse("development:dual_list")).content.decode()
    refused = page.post(
        reverse("development:dual_list"), {"organization": world["town_a"].pk, "valid_from": "2025-01-01"}
    )
    assert "至少适用于" in refused.content.decode()
    api = client_as("county_admin")
    ended = api.post(
        reverse("development-api:dual-end", args=[requirement.pk]),
        data=json.dumps({"valid_until": "2024-12-31"}),
        content_type="application/json",
    )
    assert ended.status_code == 400
    assert "停止日期不能早于施行日期" in ended.content.decode()
    ended = api.post(
        reverse("development-api:dual-end", args=[requirement.pk]),
        data=json.dumps({"valid_until": "2025-06-30"}),
        content_type="application/json",
    )
    assert ended.json()["valid_until"] == "2025-06-30"
    assert (
        client_as("branch_a1_admin")
        .get(reverse("development-api:dual-detail", args=[requirement.pk]))
        .status_code
        == 404
    )
