"""The demo seeding of observers and feedback (seeding/feedback.py), on the test world as the demo's
landmarks: every state, an overdue item, two anonymous ones, a rating by follow-up code, one ended term."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.feedback.choices import FeedbackStatus
from dangjian.feedback.models import Feedback, FeedbackLink, Observer
from dangjian.feedback.stats import feedback_stats
from dangjian.seeding.feedback import seed_feedback

pytestmark = pytest.mark.django_db


def test_demo_observers_and_feedback_in_every_state(world):
    User.objects.filter(pk=world["member_a1"].pk).update(username="dangyuan")  # the demo 党员 login
    landmarks = {"root": "root", "education": "town_b", "town": "town_a", "village": "a1"}
    plan = SimpleNamespace(landmarks={k: SimpleNamespace(instance=world[v]) for k, v in landmarks.items()})
    today = timezone.localdate()
    summary = seed_feedback(plan, today, 20240701)
    assert summary.startswith("组织工作观察员：10名（1名任期已终止）；意见建议：10条")
    assert Observer.objects.count() == 10 and Observer.objects.filter(status="ended").count() == 1
    assert Observer.objects.get(user__username="dangyuan").serving_on(today)
    assert FeedbackLink.objects.count() == 2
    statuses = set(Feedback.objects.values_list("status", flat=True))
    assert statuses == set(FeedbackStatus.values)
    assert Feedback.objects.filter(channel="public").count() == 2
    assert Feedback.objects.filter(channel="member", submitted_by__username="dangyuan").count() == 1
    routed = Feedback.objects.get(subject="村干部培训内容偏理论")
    assert routed.organization == world["a1"] and routed.routes.count() == 2
    totals = feedback_stats(world["root"], today - timedelta(days=120), today).total
    assert totals.overdue == 1 and totals.answered_late == 1
    assert (totals.satisfied, totals.basic, totals.unsatisfied) == (2, 1, 1)
    assert Feedback.objects.filter(channel="public", satisfaction="unsatisfied").exists()
