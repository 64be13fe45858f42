"""Concurrent self check-ins lose nothing (issue 3): many threads, each on its own database connection,
hit the check-in link for the same and for different members at once.

Only PostgreSQL shows real concurrency: SQLite serializes every writer on one database lock, so the test
would pass there whatever the code did.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.services import do_create_user_with_grant
from dangjian.activities.models import Activity, ActivityType, Attendance
from dangjian.activities.services import do_record_activity, do_self_check_in, do_update_attendance
from dangjian.activities.views_checkin import make_token
from dangjian.core.testing import PASSWORD, member_fields
from dangjian.members.services import do_create_member
from dangjian.organizations.services import do_create_organization

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serializes all writers, so it cannot show a lost check-in",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 20
HITS_PER_MEMBER = 3


def make_members(branch, count: int, first: int):
    return [
        do_create_member(
            acting_user=None,
            organization=branch,
            joined_on=date(2010, 7, 1),
            confirmed_on=date(2011, 7, 1),
            **member_fields(f"党员{n:02d}", "male", date(1980, 1, 1) + timedelta(days=n), seq=2 * n + 1),
        )
        for n in range(first, first + count)
    ]


def storm(calls) -> list:
    """Run `calls` (callables) on THREADS threads, released together in waves by a barrier."""
    barrier = threading.Barrier(THREADS)

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call()
        finally:
            connection.close()  # each thread opened its own connection

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, calls))


def test_concurrent_check_ins_lose_nothing():
    # Data made here and committed (a transactional test: the threads must see it).
    root = do_create_organization(parent=None, acting_user=None, code="CC", name="并发县委", kind="committee")
    branch = do_create_organization(
        parent=root, acting_user=None, code="CC-1", name="并发支部", kind="branch"
    )
    listed = make_members(branch, 10, first=0)
    activity = do_record_activity(
        acting_user=None,
        organization=branch,
        activity_type=ActivityType.objects.get(code="theme_day"),
        held_on=timezone.localdate(),
        theme="并发签到",
    )
    # Ten more join the roster after the record: their check-ins must add rows, once each.
    unlisted = make_members(branch, 10, first=10)
    members = listed + unlisted
    calls = [lambda m=m: do_self_check_in(activity, m) for m in members for _ in range(HITS_PER_MEMBER)]
    # Interleave so that the same member is hit by several threads of the same wave.
    calls = calls[::2] + calls[1::2]
    assert len(calls) % THREADS == 0

    rows = storm(calls)

    by_member = {}
    for row in rows:
        by_member.setdefault(row.member_id, set()).add((row.pk, row.checked_in_at))
    # Every hit for a member saw the same row and the same first check-in time.
    assert {len(seen) for seen in by_member.values()} == {1}
    assert set(by_member) == {m.pk for m in members}
    stored = Attendance.objects.filter(activity=activity)
    assert stored.count() == 20
    assert sorted(stored.values_list("member_id", flat=True)) == sorted(m.pk for m in members)
    assert stored.filter(present=True, checked_in_at__isnull=False).count() == 20
    activity = Activity.objects.get(pk=activity.pk)
    assert (activity.expected_count, activity.present_count) == (20, 20)
    assert str(activity.attendance_rate) == "1.0000"


def test_check_ins_during_the_secretarys_update_keep_the_counts_true():
    root = do_create_organization(parent=None, acting_user=None, code="CD", name="并发县委", kind="committee")
    branch = do_create_organization(
        parent=root, acting_user=None, code="CD-1", name="并发支部", kind="branch"
    )
    listed = make_members(branch, 5, first=30)
    activity = do_record_activity(
        acting_user=None,
        organization=branch,
        activity_type=ActivityType.objects.get(code="theme_day"),
        held_on=timezone.localdate(),
        theme="边签到边登记",
    )
    unlisted = make_members(branch, 10, first=40)
    absent = {listed[0].pk: "sick", listed[1].pk: "personal"}
    updates = [lambda: do_update_attendance(activity, absent=absent, acting_user=None)] * 10
    check_ins = [lambda m=m: do_self_check_in(activity, m) for m in unlisted]
    calls = [call for pair in zip(updates, check_ins, strict=True) for call in pair]

    storm(calls)

    rows = Attendance.objects.filter(activity=activity)
    activity = Activity.objects.get(pk=activity.pk)
    assert rows.count() == 15
    assert (activity.expected_count, activity.present_count) == (15, 13)
    assert activity.present_count == rows.filter(present=True).count()
    assert set(rows.filter(present=False).values_list("member_id", flat=True)) == set(absent)


def member_accounts(branch, members) -> dict:
    """{member id: the member's own account} (the 党员 role on their branch, linked to the member)."""
    accounts = {}
    for member in members:
        user = do_create_user_with_grant(
            acting_user=None,
            role=RoleChoices.MEMBER,
            organization=branch,
            include_descendants=False,
            username=f"dangyuan{member.pk}",
            password=PASSWORD,
            must_change_password=False,
        )
        member.user = user
        member.save(update_fields=["user"])
        accounts[member.pk] = user
    return accounts


def test_concurrent_hits_on_the_check_in_link_give_one_row_each():
    """The same storm through the page a member's phone opens: every hit a POST of a logged-in member."""
    root = do_create_organization(parent=None, acting_user=None, code="CE", name="并发县委", kind="committee")
    branch = do_create_organization(
        parent=root, acting_user=None, code="CE-1", name="并发支部", kind="branch"
    )
    listed = make_members(branch, 10, first=60)
    activity = do_record_activity(
        acting_user=None,
        organization=branch,
        activity_type=ActivityType.objects.get(code="theme_day"),
        held_on=timezone.localdate(),
        theme="扫码签到",
    )
    members = listed + make_members(branch, 10, first=70)
    users = member_accounts(branch, members)
    url = reverse("activities:self_check_in", args=[make_token(activity)])

    def hit(member):
        client = Client()
        client.force_login(users[member.pk], backend="django.contrib.auth.backends.ModelBackend")
        return lambda: client.post(url).status_code

    calls = [hit(m) for m in members for _ in range(HITS_PER_MEMBER)]
    calls = calls[::2] + calls[1::2]

    assert set(storm(calls)) == {302}

    stored = Attendance.objects.filter(activity=activity)
    assert stored.count() == 20
    assert sorted(stored.values_list("member_id", flat=True)) == sorted(m.pk for m in members)
    assert stored.filter(present=True, checked_in_at__isnull=False).count() == 20
    activity = Activity.objects.get(pk=activity.pk)
    assert (activity.expected_count, activity.present_count) == (20, 20)
