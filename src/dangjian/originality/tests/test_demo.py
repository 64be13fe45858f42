"""The demo: its copied reflections are found by the check a branch admin runs from the page."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.originality.models import OriginalityCheck, ReferenceText


@pytest.mark.django_db(transaction=True)
def test_demo_copies_are_found():
    call_command("seed", scale="demo", stdout=io.StringIO())
    assert ReferenceText.objects.count() == 2
    client = Client()
    client.force_login(User.objects.get(username="zhibu_shuji"), "django.contrib.auth.backends.ModelBackend")
    today = timezone.localdate()
    response = client.post(
        reverse("originality:check_run"),
        {
            "organization": User.objects.get(username="zhibu_shuji").grants.get().organization_id,
            "start": today.replace(month=1, day=1).isoformat(),
            "end": today.isoformat(),
        },
    )
    assert response.status_code == 302
    check = OriginalityCheck.objects.get()
    kinds = sorted(pair.second_source for pair in check.pairs.all())
    assert {"note", "reference"} <= set(kinds)
    page = client.get(check.get_absolute_url()).content.decode()
    assert "党员冬训学习心得体会范文" in page
