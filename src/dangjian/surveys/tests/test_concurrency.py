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
from django.utils import timezone

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


@postgres_only
def test_the_one_statement_store_changes_nothing_once_the_survey_closed(world):
    """The survey closes between the checks and the store: the statement spends no link, stores nothing."""
    survey = make_survey(world["a1"])
    [token] = services.do_issue_tokens(survey, acting_user=None, count=1)
    built = services.build_answers(survey, answers(survey))
    services.do_close_survey(survey, acting_user=None)
    stored = services._spend_and_store_sql(services.hash_token(token), survey, built, timezone.localdate())
    assert stored is False
    assert SurveyToken.objects.get(survey=survey).used is False
    assert not Response.objects.filter(survey=survey).exists()
    assert services._refusal(services.hash_token(token), timezone.localdate()) == services.CLOSED_MESSAGE


@postgres_only
def test_the_one_statement_store_writes_every_kind_of_answer(world):
    """The PostgreSQL path stores what the ORM path stores: choice, choices, score and text."""
    from dangjian.surveys.choices import QuestionKind
    from dangjian.surveys.models import Answer

    survey = make_survey(world["a1"], questions=[], open_it=False)
    services.do_add_question(survey, acting_user=None, kind=QuestionKind.SATISFACTION, text="满意度")
    services.do_add_question(survey, acting_user=None, kind=QuestionKind.RATING, text="评分")
    services.do_add_question(
        survey, acting_user=None, kind=QuestionKind.MULTIPLE, text="多选", options=["甲", "乙", "丙"]
    )
    services.do_add_question(survey, acting_user=None, kind=QuestionKind.TEXT, text="意见")
    services.do_open_survey(survey, acting_user=None)
    q = list(survey.questions.order_by("position"))
    [token] = services.do_issue_tokens(survey, acting_user=None, count=1)
    values = {str(q[0].pk): "basic", str(q[1].pk): 0, str(q[2].pk): ["丙", "甲"], str(q[3].pk): " 路灯 "}
    services.do_submit_public(token, values)
    stored = {a.question_id: a for a in Answer.objects.filter(response__survey=survey)}
    assert stored[q[0].pk].choice == "basic" and stored[q[0].pk].score is None
    assert stored[q[1].pk].score == 0
    assert stored[q[2].pk].choices == ["甲", "丙"]
    assert stored[q[3].pk].text == "路灯"
    assert Response.objects.get(survey=survey).submitted_on == timezone.localdate()
