"""The demo's study data: plans, completions, a 冬训 course, notes (some copied), reviews, points."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.study.models import (
    Course,
    Note,
    NoteReview,
    PointsSetting,
    StudyCompletion,
    StudyItem,
    StudyPlan,
)
from dangjian.study.points import points_enabled
from dangjian.study.progress import assigned_items
from dangjian.study.texts import char_count
from dangjian.study.totals import per_member


@pytest.fixture
def demo(db):
    call_command("seed", "--scale", "demo", stdout=io.StringIO())


def test_the_demo_has_a_plan_a_course_notes_and_reviews(demo):
    assert StudyPlan.objects.filter(published=True).count() == 2
    assert StudyItem.objects.filter(audience="leading_cadres").count() == 6
    assert StudyItem.objects.filter(audience="organization").count() == 1
    assert StudyCompletion.objects.filter(method="session").exists()
    assert Course.objects.filter(kind="winter_training", sessions__attendance__present=True).exists()
    note = Note.objects.order_by("id").first()
    assert note.char_count == char_count(note.text) and 300 <= note.char_count <= 2000
    assert NoteReview.objects.exists()
    # Deliberate near-copies: some note shares most of its paragraphs with another one.
    texts = list(Note.objects.values_list("text", flat=True))
    paragraphs = {}
    for text in texts:
        for paragraph in text.split("\n")[1:-1]:
            paragraphs[paragraph] = paragraphs.get(paragraph, 0) + 1
    assert any(count > 1 for count in paragraphs.values())


def test_the_demo_member_has_items_hours_and_points(demo):
    member = User.objects.get(username="dangyuan").member
    assert len(assigned_items(member, timezone.localdate().year)) >= 24
    assert PointsSetting.objects.get().enabled and points_enabled(member.organization)
    today = timezone.localdate()
    study = per_member(member.organization.path, today.replace(month=1, day=1), today)[member.pk]
    assert study.items > 0
