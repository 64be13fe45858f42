"""Opening a file and recording steps: the engine's refusal, the committee's audited override, scope."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import AuditEvent
from dangjian.core.validators import make_id_number
from dangjian.development import services
from dangjian.development.models import DevelopmentFile, Step

from .test_engine import timeline

pytestmark = pytest.mark.django_db

BORN = date(2000, 3, 15)


def open_file(world, user="branch_a1_admin", org="a1", name="陈小红", **extra):
    return services.do_open_file(
        acting_user=world[user],
        organization=world[org],
        name=name,
        sex="female",
        birth_date=BORN,
        id_number=make_id_number(BORN, "female", area_code="130102", seq=extra.pop("seq", 502)),
        **extra,
    )


def record(world, file, upto, user="branch_a1_admin", **extra):
    """Record the valid timeline's steps with numbers ≤ `upto`."""
    for raw in timeline():
        if raw["no"] <= upto:
            fields = {k: v for k, v in raw.items() if k not in ("no", "date")}
            services.do_record_step(
                file,
                acting_user=world[user],
                no=raw["no"],
                date=date.fromisoformat(raw["date"]),
                fields=fields,
            )


def test_open_a_file_audited_with_the_id_number_masked(world):
    file = open_file(world)
    assert file.stage == "applicant"
    event = AuditEvent.objects.get(object_type="development.developmentfile", object_id=str(file.pk))
    assert event.action == "create"
    assert "*" in event.changes["id_number"][1]
    assert file.id_number not in str(event.changes)


def test_open_refuses_a_wrong_id_number_and_a_committee(world):
    with pytest.raises(ValidationError) as error:
        services.do_open_file(
            acting_user=world["branch_a1_admin"],
            organization=world["a1"],
            name="甲",
            sex="male",
            birth_date=BORN,
            id_number="110101200003150000",
        )
    assert "id_number" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        open_file(world, user="town_a_admin", org="town_a")
    assert "只能建在党支部" in str(error.value)


def test_open_for_a_member_takes_their_data(world):
    member = world["zhang"]
    file = services.do_open_file(
        acting_user=world["branch_a1_admin"], organization=world["a1"], member=member
    )
    assert (file.name, file.birth_date, file.id_number) == (member.name, member.birth_date, member.id_number)


def test_steps_move_the_file_and_store_the_next_window(world):
    file = open_file(world)
    record(world, file, 6)
    file.refresh_from_db()
    assert file.stage == "activist"
    assert (file.next_step, file.next_latest) == (6, date(2023, 2, 28))
    assert Step.objects.filter(file=file).count() == 7
    step = Step.objects.filter(file=file).last()
    assert step.entered_by == world["branch_a1_admin"]


def test_a_step_out_of_time_is_refused_with_the_rule_and_the_attempt_audited(world):
    file = open_file(world)
    record(world, file, 6)
    with pytest.raises(services.StepRefused) as refused:
        services.do_record_step(file, acting_user=world["branch_a1_admin"], no=7, date=date(2022, 8, 31))
    assert (
        "培养教育考察时间不足一年（自2021年9月1日确定为积极分子起，最早2022年9月1日）（细则第十三条）"
        in str(refused.value)
    )
    assert not Step.objects.filter(file=file, no=7).exists()
    failed = AuditEvent.objects.get(object_id=str(file.pk), success=False)
    assert "被拒绝" in failed.message and "细则第十三条" in failed.message
    services.do_record_step(file, acting_user=world["branch_a1_admin"], no=7, date=date(2022, 9, 1))
    file.refresh_from_db()
    assert file.stage == "candidate"


def test_out_of_order_is_refused(world):
    file = open_file(world)
    record(world, file, 2)
    with pytest.raises(services.StepRefused, match="须先完成第3步"):
        services.do_record_step(file, acting_user=world["branch_a1_admin"], no=4, date=date(2021, 9, 10))


def test_a_branch_admin_cannot_override(world):
    file = open_file(world)
    record(world, file, 2)
    with pytest.raises(services.StepRefused, match="只有上级党委的组织管理员"):
        services.do_record_step(
            file, acting_user=world["branch_a1_admin"], no=4, date=date(2021, 9, 10), override_reason="补录"
        )
    assert not Step.objects.filter(file=file, no=4).exists()


def test_a_committee_admin_overrides_with_a_reason_audited(world):
    file = open_file(world)
    record(world, file, 2)
    step = services.do_record_step(
        file,
        acting_user=world["town_a_admin"],
        no=4,
        date=date(2021, 9, 10),
        override_reason="确定积极分子的支委会记录已找到，先行备案，补录第3步",
    )
    assert step.override_reason.startswith("确定积极分子")
    assert any("须先完成第3步" in m for m in step.overridden)
    event = AuditEvent.objects.get(action="override", object_type="development.step", object_id=str(step.pk))
    assert event.user == world["town_a_admin"] and event.success
    assert "例外放行" in event.message
    assert event.changes["override_reason"][1].startswith("确定积极分子")


def test_an_override_needs_a_reason(world):
    file = open_file(world)
    record(world, file, 2)
    with pytest.raises(services.StepRefused):
        services.do_record_step(file, acting_user=world["town_a_admin"], no=4, date=date(2021, 9, 10))


def test_out_of_scope_users_cannot_write_nor_see(world):
    file = open_file(world)
    record(world, file, 1)
    with pytest.raises(PermissionDenied):
        open_file(world, user="branch_a1_admin", org="b1", seq=504)
    for user in ("inspector_a", "member_a1", "nobody", "sysadmin"):
        with pytest.raises(PermissionDenied):
            services.do_record_step(file, acting_user=world[user], no=2, date=date(2021, 3, 20))
    town_b = world["town_b"]
    assert town_b  # a committee admin of another town sees nothing of A's files
    from dangjian.accounts.services import do_create_user, do_grant_role

    other = do_create_user(
        username="town_b_admin", password="Zz-123456-Aa", last_name="乙", first_name="管", acting_user=None
    )
    do_grant_role(user=other, role="org_admin", organization=town_b, acting_user=None)
    assert not DevelopmentFile.objects.visible_to(other).exists()
    assert not Step.objects.visible_to(other).exists()
    with pytest.raises(PermissionDenied):
        services.do_record_step(file, acting_user=other, no=2, date=date(2021, 3, 20), override_reason="x")
    assert DevelopmentFile.objects.visible_to(world["inspector_a"]).count() == 1
    assert Step.objects.visible_to(world["town_a_admin"]).count() == 1
    assert not DevelopmentFile.objects.visible_to(world["member_a1"]).exists()


def test_a_closed_file_takes_no_step_and_keeps_its_reason(world):
    file = open_file(world)
    record(world, file, 2)
    services.do_close_file(
        file, acting_user=world["branch_a1_admin"], closed_on=date(2021, 5, 1), reason="本人撤回申请"
    )
    with pytest.raises(ValidationError, match="已终止"):
        services.do_record_step(file, acting_user=world["branch_a1_admin"], no=3, date=date(2021, 9, 1))
    assert AuditEvent.objects.filter(action="deactivate", object_id=str(file.pk)).exists()
    with pytest.raises(ValidationError):
        services.do_close_file(
            file, acting_user=world["branch_a1_admin"], closed_on=date(2021, 5, 2), reason="x"
        )


def test_one_open_file_per_id_number(world):
    open_file(world)
    with pytest.raises(ValidationError, match="已有正在进行"):
        open_file(world, name="陈小红二")


def test_a_future_date_is_refused(world):
    file = open_file(world)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.do_record_step(file, acting_user=world["branch_a1_admin"], no=1, date=date(2999, 1, 1))
