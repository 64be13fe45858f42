"""One response per token under concurrency: threads racing on one token (PostgreSQL: real row locks),
and 200 public submissions from 20 client threads against a live server (no timing asserted); a member
answering from several devices at once; PostgreSQL's one-statement store (a survey closed meanwhile,
every kind of answer)."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from dangjian.core.testing import build_world
from dangjian.surveys import services
from dangjian.surveys.models import Response, SurveyToken

from .factories import answers, make_survey

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level concurrency: PostgreSQL"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_threads_racing_on_one_token_store_one_response():
    world = build_world()
    survey = make_survey(world["a1"])
    [token] = services.do_issue_tokens(survey, acting_user=None, count=1)
    values = answers(survey)
    threads, barrier, outcomes = 8, threading.Barrier(8), []

    def submit():
        from django.db import connection as conn

        barrier.wait()
        try:
            services.do_submit_public(token, values)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            conn.close()

    workers = [threading.Thread(target=submit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert outcomes.count("ok") == 1
    assert outcomes.count(services.USED_MESSAGE) == threads - 1
    assert Response.objects.filter(survey=survey).count() == 1


def _post(url: str, body: dict) -> int:
    request = urllib.request.Request(  # noqa: S310 (the loopback live server)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the loopback live server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@postgres_only
@pytest.mark.django_db(transaction=True)
@override_settings(SURVEY_PUBLIC_RATE="off")
def test_200_public_submissions_from_20_threads(live_server):
    world = build_world()
    survey = make_survey(world["a1"])
    tokens = services.do_issue_tokens(survey, acting_user=None, count=200)
    body = {"answers": answers(survey)}
    urls = [live_server.url + reverse("surveys-api:public-submit", args=[t]) for t in tokens]
    # Each link twice: the second submission of a link must be refused, never stored.
    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(lambda url: _post(url, body), urls + urls))
    assert codes.count(201) == 200
    assert codes.count(409) == 200
    assert Response.objects.filter(survey=survey).count() == 200
    assert SurveyToken.objects.filter(survey=survey, used=True).count() == 200


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_member_submitting_from_several_devices_at_once_answers_once():
    """The unique Participation row decides: one response stored, the others told they took part."""
    from dangjian.surveys.choices import Audience
    from dangjian.surveys.models import Participation

    world = build_world()
    survey = make_survey(world["a1"], audience=Audience.MEMBERS)
    values, user = answers(survey), world.users["member_a1"]
    threads, barrier, outcomes = 6, threading.Barrier(6), []

    def submit():
        from django.db import connection as conn

        barrier.wait()
        try:
            services.do_submit_member(survey, values, user=user)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            conn.close()

    workers = [threading.Thread(target=submit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert outcomes.count("ok") == 1, outcomes
    assert all("只能提交一次" in o for o in outcomes if o != "ok")
    assert Participation.objects.filter(survey=survey).count() == 1
    assert Response.objects.filter(survey=survey).count() == 1
