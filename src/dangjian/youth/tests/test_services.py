"""推优: validation, entry into the development pipeline with the link kept; cohorts: completion rule."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import AuditEvent
from dangjian.core.validators import make_id_number
from dangjian.development.models import DevelopmentFile
from dangjian.development.services import do_open_file
from dangjian.youth import services
from dangjian.youth.choices import RecommendationStatus

pytestmark = pytest.mark.django_db


def test_accepting_opens_a_development_file_and_keeps_the_link(world, recommend):
    recommendation = recommend()
    services.do_accept_recommendation(
        recommendation,
        acting_user=world["branch_a1_admin"],
        decided_on=date(2025, 3, 10),
        applied_on=date(2025, 3, 5),
    )
    recommendation.refresh_from_db()
    file = recommendation.development_file
    assert recommendation.status == RecommendationStatus.ACCEPTED
    assert file.organization == world["a1"] and file.name == "王青年" and file.birth_date == date(2001, 4, 5)
    assert list(file.steps.values_list("no", flat=True)) == [1]  # the application, checked by the engine
    assert file.youth_recommendation == recommendation
    assert AuditEvent.objects.filter(object_repr__contains="王青年", action="update").exists()


def test_accepting_links_an_existing_open_file_without_opening_another(world, recommend):
    born = date(2002, 1, 2)
    file = do_open_file(
        acting_user=None,
        organization=world["a1"],
        name="李已申请",
        sex="male",
        birth_date=born,
        applied_on=None,
    )
    recommendation = recommend(name="李已申请", birth_date=born)
    services.do_accept_recommendation(
        recommendation, acting_user=world["town_a_admin"], decided_on=date(2025, 3, 2), development_file=file
    )
    assert DevelopmentFile.objects.filter(name="李已申请").count() == 1
    recommendation.refresh_from_db()
    assert recommendation.development_file == file


def test_accepting_without_an_application_date_is_refused_in_chinese(world, recommend):
    recommendation = recommend()
    with pytest.raises(ValidationError) as error:
        services.do_accept_recommendation(recommendation, acting_user=None, decided_on=date(2025, 3, 2))
    assert "递交入党申请书的日期" in str(error.value)
    assert not DevelopmentFile.objects.exists()


def test_an_application_the_engine_refuses_writes_nothing(world, recommend):
    recommendation = recommend(name="小青年", birth_date=date(2008, 6, 1))
    with pytest.raises(ValidationError) as error:  # not yet 18 on the day of the application
        services.do_accept_recommendation(
            recommendation, acting_user=None, decided_on=date(2025, 3, 2), applied_on=date(2025, 3, 2)
        )
    assert "18" in str(error.value)
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.RECOMMENDED
    assert not DevelopmentFile.objects.filter(name="小青年").exists()


def test_recommend_only_under_28(world, recommend):
    recommend(name="二十七岁", birth_date=date(1997, 3, 2))  # 27 on 2025-03-01
    with pytest.raises(ValidationError) as error:
        recommend(name="刚满二十八", birth_date=date(1997, 3, 1))
    assert "推优对象须为未满28周岁的青年（推荐日已满28周岁）" in error.value.message_dict["birth_date"][0]


def test_votes_are_checked_with_chinese_messages(world, recommend):
    with pytest.raises(ValidationError) as error:
        recommend(attendees=10, votes_for=8, votes_against=3)
    assert "超过到会人数（10）" in error.value.message_dict["votes_for"][0]
    with pytest.raises(ValidationError) as error:
        recommend(attendees=10, votes_for=5, votes_against=0)
    assert "未超过到会人数（10）的半数" in error.value.message_dict["votes_for"][0]


def test_only_a_branch_receives_and_out_of_scope_is_refused(world, youth, recommend):
    with pytest.raises(ValidationError) as error:
        recommend(org="town_a")
    assert "党支部" in error.value.message_dict["organization"][0]
    recommendation = recommend()
    with pytest.raises(PermissionDenied):
        services.do_reject_recommendation(
            recommendation, acting_user=world["inspector_a"], decided_on=date(2025, 3, 2), reason="x"
        )


def test_reject_needs_a_reason_and_is_kept(world, recommend):
    recommendation = recommend()
    with pytest.raises(ValidationError):
        services.do_reject_recommendation(
            recommendation, acting_user=None, decided_on=date(2025, 3, 2), reason=" "
        )
    services.do_reject_recommendation(
        recommendation, acting_user=None, decided_on=date(2025, 3, 2), reason="本人暂不申请"
    )
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.REJECTED and recommendation.rejected_reason
    with pytest.raises(ValidationError):
        services.do_accept_recommendation(
            recommendation, acting_user=None, decided_on=date(2025, 3, 3), applied_on=date(2025, 3, 3)
        )


def make_course(world, enroll, hours_attended):
    from dangjian.study.models import Course, CourseSession, Enrollment, SessionAttendance

    course = Course.objects.create(
        organization=world["town_a"],
        name="青年理论培训班",
        kind="activist_training",
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 3, 31),
        required_hours=Decimal("8"),
    )
    session = CourseSession.objects.create(
        course=course, held_on=date(2025, 3, 2), title="第一课", hours=hours_attended
    )
    Enrollment.objects.create(course=course, member=enroll)
    SessionAttendance.objects.create(
        session=session, member=enroll, present=True, organization=enroll.organization
    )
    return course


def test_completion_needs_practice_hours_and_every_listed_course(world):
    course = make_course(world, world["zhang"], Decimal("4"))
    cohort = services.do_create_cohort(
        acting_user=world["town_a_admin"],
        organization=world["town_a"],
        name="青年马克思主义者培养工程",
        tier="school",
        year=2025,
        required_practice_hours=Decimal("10"),
        courses=[course],
    )
    trainee = services.do_add_trainee(cohort, acting_user=None, member=world["zhang"], mentor="李导师")
    services.do_record_practice(
        trainee, acting_user=None, title="社区志愿服务", date=date(2025, 4, 1), hours="6"
    )
    with pytest.raises(ValidationError) as error:
        services.do_complete_trainee(trainee, acting_user=None, completed_on=date(2025, 5, 1))
    assert "实践时长6小时，未达到结业所需的10小时" in error.value.messages[0]
    assert "未在培训班“青年理论培训班”达到结业学时" in error.value.messages[1]
    services.do_record_practice(
        trainee, acting_user=None, title="乡村振兴调研", date=date(2025, 4, 8), hours="4"
    )
    from dangjian.study.models import CourseSession, SessionAttendance

    more = CourseSession.objects.create(
        course=course, held_on=date(2025, 3, 9), title="第二课", hours=Decimal("4")
    )
    SessionAttendance.objects.create(
        session=more, member=world["zhang"], present=True, organization=world["a1"]
    )
    assert services.progress(trainee).complete
    services.do_complete_trainee(trainee, acting_user=world["town_a_admin"], completed_on=date(2025, 5, 1))
    trainee.refresh_from_db()
    assert trainee.completed_on == date(2025, 5, 1)


def test_a_trainee_outside_the_roster_cannot_have_completed_a_course(world):
    course = make_course(world, world["zhang"], Decimal("8"))
    cohort = services.do_create_cohort(
        acting_user=None,
        organization=world["town_a"],
        name="青马班",
        tier="other",
        year=2025,
        courses=[course],
    )
    trainee = services.do_add_trainee(cohort, acting_user=None, name="非党员青年")
    assert not services.progress(trainee).complete
    with pytest.raises(ValidationError):
        services.do_add_trainee(cohort, acting_user=None, name=" ")


def test_a_cohort_write_outside_scope_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.do_create_cohort(
            acting_user=world["town_a_admin"], organization=world["town_b"], name="x", tier="other", year=2025
        )


def test_practice_date_and_hours_validated(world):
    cohort = services.do_create_cohort(
        acting_user=None, organization=world["a1"], name="x", tier="other", year=2025
    )
    trainee = services.do_add_trainee(cohort, acting_user=None, name="某青年")
    with pytest.raises(ValidationError) as error:
        services.do_record_practice(trainee, acting_user=None, title="x", date=date(2025, 1, 1), hours="0")
    assert "hours" in error.value.message_dict


def test_make_id_number_is_accepted_on_entry(world, recommend):
    born = date(2001, 4, 5)
    recommendation = recommend()
    services.do_accept_recommendation(
        recommendation,
        acting_user=None,
        decided_on=date(2025, 3, 10),
        applied_on=date(2025, 3, 5),
        id_number=make_id_number(born, "female", area_code="130102", seq=772),
    )
    recommendation.refresh_from_db()
    assert recommendation.development_file.masked_id_number.startswith("130")


def test_progress_of_a_whole_cohort_in_four_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = make_course(world, world["zhang"], Decimal("8"))
    cohort = services.do_create_cohort(
        acting_user=None,
        organization=world["town_a"],
        name="青马班",
        tier="other",
        year=2025,
        courses=[course],
    )
    trainees = [services.do_add_trainee(cohort, acting_user=None, member=world[k]) for k in ("zhang", "li")]
    trainees += [services.do_add_trainee(cohort, acting_user=None, name=f"青年{i}") for i in range(10)]
    with CaptureQueriesContext(connection) as queries:
        found = services.progress_for(cohort, trainees)
    assert len(queries) == 4
    assert found[trainees[0].pk].complete and not found[trainees[1].pk].complete
    assert [p.complete for p in found.values()].count(True) == 1
