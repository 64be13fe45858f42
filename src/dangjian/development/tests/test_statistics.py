"""Plans and statistics with hand-built numbers: admissions (step 17) of a subtree in a period by sex, age
band at admission, education, occupation, ethnicity; pipeline; overdue; plan against actual."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.audit.models import AuditEvent
from dangjian.development import services
from dangjian.development.models import DevelopmentFile, DevelopmentPlan, Step
from dangjian.development.statistics import statistics

pytestmark = pytest.mark.django_db

START, END = date(2025, 1, 1), date(2025, 12, 31)


def admitted(world, org, name, sex, born, on, stage="probationary", **person):
    file = DevelopmentFile.objects.create(
        organization=world[org], name=name, sex=sex, birth_date=born, stage=stage, **person
    )
    Step.objects.create(file=file, no=17, date=on)
    return file


@pytest.fixture
def figures(world):
    zhang = world["zhang"]
    zhang.education, zhang.category, zhang.ethnicity = "bachelor", "worker", "01"
    zhang.save()
    # town A, 2025
    admitted(
        world,
        "a1",
        "甲",
        "female",
        date(1995, 6, 10),
        date(2025, 6, 9),
        education="college",
        category="farmer",
        ethnicity="02",
    )
    admitted(world, "a1", "乙", "male", date(1990, 3, 1), date(2025, 3, 1), member=zhang)  # 35 on the day
    admitted(world, "a2", "丙", "female", date(1989, 3, 2), date(2025, 3, 1))  # 35, 36 tomorrow
    admitted(world, "a2", "丁", "male", date(1960, 1, 1), date(2025, 12, 31), education="secondary")
    # not counted: before the period, outside town A, an earlier step only
    admitted(world, "a1", "戊", "male", date(1990, 1, 1), date(2024, 12, 31))
    admitted(world, "b1", "己", "female", date(1990, 1, 1), date(2025, 5, 1))
    early = DevelopmentFile.objects.create(
        organization=world["a1"],
        name="庚",
        sex="male",
        birth_date=date(2000, 1, 1),
        stage="activist",
        next_step=5,
        next_latest=timezone.localdate() - timedelta(days=1),
    )
    Step.objects.create(file=early, no=3, date=date(2025, 4, 1))
    DevelopmentFile.objects.create(
        organization=world["a1"],
        name="辛",
        sex="male",
        birth_date=date(2000, 1, 1),
        next_step=2,
        next_latest=timezone.localdate() - timedelta(days=1),
        closed_on=date(2025, 1, 1),
        closed_reason="本人撤回申请",
    )
    services.do_set_plan(
        acting_user=world["town_a_admin"],
        organization=world["town_a"],
        year=2025,
        total=5,
        women=2,
        by_category={"farmer": 2},
    )
    services.do_set_plan(acting_user=world["branch_a1_admin"], organization=world["a1"], year=2025, total=2)


def test_admissions_by_every_dimension(world, figures):
    stats = statistics(world["town_a"], START, END)
    assert stats.totals == {"total": 4, "women": 2, "young": 3, "college": 2, "minority": 1}
    assert dict(stats.by_sex) == {"男": 2, "女": 2}
    bands = dict(stats.by_band)
    assert (bands["≤30"], bands["31–35"], bands["36–40"], bands["≥61"]) == (1, 2, 0, 1)
    assert sum(bands.values()) == 4
    education = dict(stats.by_education)
    assert (education["大学专科"], education["大学本科"], education["中专/高中"], education["未填写"]) == (
        1,
        1,
        1,
        1,
    )
    category = dict(stats.by_category)
    assert (category["农牧渔民"], category["工人（工勤技能人员）"], category["未填写"]) == (1, 1, 2)
    assert dict(stats.by_ethnicity) == {"汉族": 1, "蒙古族": 1, "未填写": 2}


def test_pipeline_overdue_and_plans(world, figures):
    stats = statistics(world["town_a"], START, END)
    assert dict(stats.pipeline)["预备党员"] == 5  # 甲乙丙丁 and 戊 (admitted in 2024), still open
    assert dict(stats.pipeline)["入党积极分子"] == 1
    assert stats.overdue == 1  # 庚; 辛 is closed
    assert stats.overdue_by_step == [("第5步「指定培养联系人」", 1)]
    rows = {row.plan.organization.name: row for row in stats.plans}
    town, branch = rows["A镇党委"], rows["A1村党支部"]
    assert (town.actual["total"], town.actual["women"], town.reached) == (4, 2, False)
    assert town.by_category == [("农牧渔民", 2, 1)]
    assert (branch.actual["total"], branch.reached) == (2, True)
    assert statistics(world["town_b"], START, END).totals["total"] == 1
    assert statistics(world["a2"], START, END).totals == {
        "total": 2,
        "women": 1,
        "young": 1,
        "college": 0,
        "minority": 0,
    }


def test_plan_validation_update_audit_and_scope(world):
    plan = services.do_set_plan(
        acting_user=world["town_a_admin"], organization=world["town_a"], year=2025, total=3
    )
    services.do_set_plan(
        acting_user=world["town_a_admin"], organization=world["town_a"], year=2025, total=4, women=1
    )
    plan.refresh_from_db()
    assert (plan.total, plan.women, DevelopmentPlan.objects.count()) == (4, 1, 1)
    actions = AuditEvent.objects.filter(object_type="development.developmentplan").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["create", "update"]
    with pytest.raises(ValidationError) as error:
        services.do_set_plan(
            acting_user=world["town_a_admin"], organization=world["a1"], year=2025, total=2, women=3
        )
    assert "其中女性（3）不能多于计划总数（2）" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.do_set_plan(
            acting_user=world["town_a_admin"],
            organization=world["a1"],
            year=2025,
            total=2,
            by_category={"pilot": 1},
        )
    assert "人员类别“pilot”不存在" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.do_set_plan(
            acting_user=world["branch_a1_admin"], organization=world["town_a"], year=2025, total=1
        )
    with pytest.raises(PermissionDenied):
        services.do_set_plan(acting_user=world["town_a_admin"], organization=world["b1"], year=2025, total=1)
    assert not DevelopmentPlan.objects.visible_to(world["nobody"]).exists()
