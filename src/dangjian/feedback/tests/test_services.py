"""Observers' terms, submission by channel, routing history, working-day deadlines, answers, ratings."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import AuditEvent
from dangjian.feedback import services
from dangjian.feedback.choices import FeedbackStatus, ObserverStatus
from dangjian.feedback.models import Feedback

from .factories import appoint, submit

pytestmark = pytest.mark.django_db


def test_an_observer_submits_while_the_term_runs_about_the_organizations_observed(world):
    observer = appoint(world)
    feedback = submit(world, "a1", channel="observer", observer=observer, acting_user=world["nobody"])
    assert feedback.observer == observer and feedback.submitted_by == world["nobody"]
    assert feedback.status == FeedbackStatus.PENDING and feedback.organization == world["a1"]
    with pytest.raises(ValidationError, match="所观察的党组织"):
        submit(world, "b1", channel="observer", observer=observer, acting_user=world["nobody"])
    to_committee = submit(world, "root", channel="observer", observer=observer, acting_user=world["nobody"])
    assert to_committee.organization == world["root"]  # the appointing committee routes it
    with pytest.raises(ValidationError, match="不在任期内"):
        submit(
            world,
            "a1",
            channel="observer",
            observer=observer,
            acting_user=world["nobody"],
            on=date(2024, 6, 3),
        )
    with pytest.raises(PermissionDenied):
        submit(world, "a1", channel="observer", observer=observer, acting_user=world["member_a1"])


def test_an_ended_term_stops_submissions_and_keeps_the_observer(world):
    observer = appoint(world)
    with pytest.raises(PermissionDenied):
        services.do_end_observer_term(observer, acting_user=world["town_a_admin"], ended_on=date(2025, 6, 30))
    services.do_end_observer_term(observer, acting_user=world["county_admin"], ended_on=date(2025, 6, 30))
    observer.refresh_from_db()
    assert observer.status == ObserverStatus.ENDED and observer.ended_on == date(2025, 6, 30)
    with pytest.raises(ValidationError, match="不在任期内"):
        submit(world, "a1", channel="observer", observer=observer, acting_user=world["nobody"])
    with pytest.raises(ValidationError, match="已终止"):
        services.do_end_observer_term(observer, acting_user=None, ended_on=date(2025, 7, 1))


def test_appointment_is_scoped_and_observed_organizations_lie_below_the_committee(world):
    with pytest.raises(PermissionDenied):
        appoint(world, committee="town_b", observed=("b1",), acting_user=world["town_a_admin"])
    with pytest.raises(ValidationError, match="不在聘任党组织的下级范围内"):
        appoint(world, committee="town_a", observed=("b1",))
    observer = appoint(world, committee="town_a", observed=("a1",), member=world["zhang"], name="")
    assert observer.name == world["zhang"].name
    event = AuditEvent.objects.filter(object_type="feedback.observer", object_id=str(observer.pk)).get()
    assert "13912345678" not in str(event.changes)  # the phone is masked in the audit trail


def test_a_member_submits_to_own_organization_or_above(world):
    feedback = submit(world, "town_a", channel="member", acting_user=world["member_a1"])
    assert feedback.submitted_by == world["member_a1"]
    with pytest.raises(ValidationError, match="本人所在党组织"):
        submit(world, "b1", channel="member", acting_user=world["member_a1"])


def test_anonymous_submission_stores_no_user_and_no_ip(world):
    from dangjian.core import request_context

    token = request_context.activate("203.0.113.9", "/feedback/public/X/")
    try:
        feedback, code = services.do_submit_feedback(
            acting_user=None,
            channel="public",
            organization=world["a1"],
            category="other",
            subject="路灯",
            content="村口路灯坏了",
            contact="13800001111",
        )
    finally:
        request_context.deactivate(token)
    assert feedback.submitted_by is None and feedback.observer is None
    assert code not in feedback.follow_up_digest and services.feedback_by_code(code) == feedback
    events = AuditEvent.objects.filter(object_type="feedback.feedback", object_id=str(feedback.pk))
    assert [(e.user, e.ip_address) for e in events] == [(None, None)]
    assert "13800001111" not in str(list(events.values()))


def test_deadline_counts_working_days_and_an_unknown_year_falls_back_with_a_note(world):
    # 2025-09-26 (Fri): 9-28 (Sun) is a working day, 10-1..10-8 are holidays, 10-11 (Sat) works.
    feedback = submit(world, on=date(2025, 9, 26))
    assert feedback.due_on == date(2025, 10, 23) and feedback.due_note == ""
    due, note = services.answer_deadline(date(2031, 3, 3))
    assert due == date(2031, 3, 24) and "2031年节假日安排尚未录入" in note


def test_routing_moves_responsibility_and_keeps_history(world):
    feedback = submit(world, "town_a")
    with pytest.raises(PermissionDenied):  # a town cannot route to the other town
        services.do_route_feedback(feedback, acting_user=world["town_a_admin"], to_organization=world["b1"])
    services.do_route_feedback(feedback, acting_user=world["town_a_admin"], to_organization=world["a1"])
    services.do_route_feedback(
        feedback, acting_user=world["county_admin"], to_organization=world["b1"], reason="属B镇事项"
    )
    feedback.refresh_from_db()
    assert feedback.organization == world["b1"] and feedback.received_by == world["town_a"]
    assert feedback.status == FeedbackStatus.IN_PROGRESS
    hops = [(r.from_organization.name, r.to_organization.name) for r in feedback.routes.all()]
    assert hops == [("A镇党委", "A1村党支部"), ("A1村党支部", "B1村党支部")]
    assert not Feedback.objects.visible_to(world["town_a_admin"]).filter(pk=feedback.pk).exists()
    assert Feedback.objects.visible_to(world["county_admin"]).filter(pk=feedback.pk).exists()


def test_reply_close_and_rating_by_code_or_login(world):
    feedback, code = services.do_submit_feedback(
        acting_user=None,
        channel="public",
        organization=world["a1"],
        category="other",
        subject="路灯",
        content="村口路灯坏了",
        submitted_on=date(2025, 3, 3),
    )
    with pytest.raises(ValidationError, match="只有已答复"):
        services.do_close_feedback(feedback, acting_user=world["branch_a1_admin"])
    with pytest.raises(ValidationError, match="尚未答复"):
        services.do_rate_reply(feedback, acting_user=None, satisfaction="satisfied", code=code)
    with pytest.raises(PermissionDenied):
        services.do_reply_feedback(feedback, acting_user=world["inspector_a"], text="已修复")
    services.do_reply_feedback(
        feedback,
        acting_user=world["branch_a1_admin"],
        text="已联系供电所修复。",
        answered_on=date(2025, 3, 20),
    )
    with pytest.raises(PermissionDenied):
        services.do_rate_reply(feedback, acting_user=None, satisfaction="satisfied", code="WRONGCODE123")
    services.do_rate_reply(feedback, acting_user=None, satisfaction="basic", code=code)
    services.do_close_feedback(feedback, acting_user=world["branch_a1_admin"], note="已修复并回访")
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.CLOSED and feedback.answered_on == date(2025, 3, 20)
    assert feedback.satisfaction == "basic"
    with pytest.raises(ValidationError, match="已办结"):
        services.do_reply_feedback(feedback, acting_user=world["branch_a1_admin"], text="补充")

    own = submit(world, "town_a", channel="member", acting_user=world["member_a1"])
    services.do_reply_feedback(own, acting_user=world["town_a_admin"], text="收到")
    with pytest.raises(PermissionDenied):
        services.do_rate_reply(own, acting_user=world["town_a_admin"], satisfaction="satisfied")
    services.do_rate_reply(own, acting_user=world["member_a1"], satisfaction="unsatisfied")
    assert Feedback.objects.get(pk=own.pk).satisfaction == "unsatisfied"
