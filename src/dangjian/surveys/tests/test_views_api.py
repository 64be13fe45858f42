"""Survey pages and API: the public form (CSRF like a browser, used link, rate limit), the results page
and API (suppression, never single responses), members answering through their login, scope."""

import re

from django.test import Client, override_settings
from django.urls import get_resolver, reverse
from django.utils import timezone

from dangjian.surveys import results, services
from dangjian.surveys.choices import Audience
from dangjian.surveys.models import Participation, Response, SurveyToken

from .factories import answers, make_survey, respond

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RATE_OFF = override_settings(SURVEY_PUBLIC_RATE="off")


def form_values(survey, **kw):
    return {f"q{k}": v for k, v in answers(survey, **kw).items()}


@RATE_OFF
def test_public_form_like_a_browser(world):
    survey = make_survey(world["a1"])
    [token] = services.do_issue_tokens(survey, acting_user=None, count=1)
    client = Client(enforce_csrf_checks=True)
    url = reverse("surveys:public_form", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "每个链接只能提交一次" in page.content.decode()
    csrf = CSRF_RE.search(page.content.decode()).group(1)
    done = client.post(url, {"csrfmiddlewaretoken": csrf, **form_values(survey)})
    assert done.status_code == 200 and "提交成功" in done.content.decode()
    again = client.post(url, {"csrfmiddlewaretoken": csrf, **form_values(survey)})
    assert again.status_code == 409 and services.USED_MESSAGE in again.content.decode()
    assert services.USED_MESSAGE in client.get(url).content.decode()
    assert Response.objects.filter(survey=survey).count() == 1
    assert Client().get(reverse("surveys:public_form", args=["no-such-token"])).status_code == 404


@RATE_OFF
def test_public_form_names_the_unanswered_question(world):
    survey = make_survey(world["a1"])
    [token] = services.do_issue_tokens(survey, acting_user=None, count=1)
    response = Client().post(reverse("surveys:public_form", args=[token]), {})
    assert response.status_code == 400
    assert SurveyToken.objects.get(survey=survey).used is False


@override_settings(SURVEY_PUBLIC_RATE="2/60")
def test_public_submissions_are_rate_limited_per_ip(world):
    from django.core.cache import cache

    cache.clear()
    survey = make_survey(world["a1"])
    tokens = services.do_issue_tokens(survey, acting_user=None, count=3)
    client = Client(REMOTE_ADDR="10.9.8.7")
    codes = [
        client.post(reverse("surveys:public_form", args=[t]), form_values(survey)).status_code for t in tokens
    ]
    assert codes == [200, 200, 429]
    api = [Client(REMOTE_ADDR="10.9.8.7").post(reverse("surveys-api:public-submit", args=[tokens[2]]), {})]
    assert api[0].status_code == 429
    other = Client(REMOTE_ADDR="10.9.8.8").post(
        reverse("surveys:public_form", args=[tokens[2]]), form_values(survey)
    )
    assert other.status_code == 200
    cache.clear()


@RATE_OFF
def test_public_api_submit(world):
    survey = make_survey(world["a1"])
    [token] = services.do_issue_tokens(survey, acting_user=None, count=1)
    url = reverse("surveys-api:public-submit", args=[token])
    client = Client(enforce_csrf_checks=True)
    shown = client.get(url).json()
    assert [q["kind"] for q in shown["questions"]] == ["satisfaction", "rating", "text"] and not shown["used"]
    body = {"answers": answers(survey)}
    assert client.post(url, body, content_type="application/json").status_code == 201
    assert client.post(url, body, content_type="application/json").status_code == 409
    assert (
        client.post(
            reverse("surveys-api:public-submit", args=["x"]), body, content_type="application/json"
        ).status_code
        == 404
    )


def test_results_page_suppresses_small_groups(world, client_as):
    survey = make_survey(world["a1"])
    respond(survey, [answers(survey, text="很好")] * 3)
    page = client_as("town_a_admin").get(reverse("surveys:survey_results", args=[survey.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert results.SUPPRESSED in text and "很好" not in text
    respond(survey, [answers(survey, "basic")] * 2)
    text = client_as("town_a_admin").get(reverse("surveys:survey_results", args=[survey.pk])).content.decode()
    assert results.BROAD_DEFINITION in text and results.STRICT_DEFINITION in text and "100.0%" in text
    export = client_as("branch_a1_admin").get(reverse("surveys:results_export", args=[survey.pk]))
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_results_are_out_of_reach_outside_scope_and_for_members(world, client_as):
    survey = make_survey(world["b1"], audience=Audience.MEMBERS)
    for role in ("town_a_admin", "branch_a1_admin", "member_a1"):
        assert client_as(role).get(reverse("surveys:survey_results", args=[survey.pk])).status_code == 404
        assert client_as(role).get(reverse("surveys-api:survey-results", args=[survey.pk])).status_code == 404
        assert client_as(role).get(reverse("surveys:survey_detail", args=[survey.pk])).status_code == 404
    own = make_survey(world["a1"], audience=Audience.MEMBERS)
    assert client_as("member_a1").get(reverse("surveys:survey_detail", args=[own.pk])).status_code == 200
    assert client_as("member_a1").get(reverse("surveys:survey_results", args=[own.pk])).status_code == 404


def test_api_results_and_no_individual_responses(world, client_as):
    survey = make_survey(world["a1"])
    respond(survey, [answers(survey, text=f"意见{i}") for i in range(5)])
    data = client_as("county_admin").get(reverse("surveys-api:survey-results", args=[survey.pk])).json()
    assert data["respondents"] == 5 and data["satisfaction_rate"] == "100.0"
    assert data["satisfaction_rate_definition"] == results.BROAD_DEFINITION
    listing = client_as("county_admin").get(reverse("surveys-api:survey-list")).json()
    assert [row["id"] for row in listing["results"]] == [survey.pk]
    assert "response" not in str(listing) and "answers" not in str(listing)
    names = [n for n in get_resolver().reverse_dict if isinstance(n, str) and n.startswith("surveys")]
    assert not [n for n in names if "response" in n or "answer-" in n]
    response_ids = [str(r) for r in Response.objects.values_list("id", flat=True)]
    assert not any(rid in str(data) for rid in response_ids)


def test_member_answers_through_the_page(world, client_as):
    survey = make_survey(world["a1"], audience=Audience.MEMBERS)
    client = client_as("member_a1")
    url = reverse("surveys:survey_answer", args=[survey.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, form_values(survey)).status_code == 302
    assert Participation.objects.filter(survey=survey).count() == 1
    again = client.post(url, form_values(survey))
    assert "只能提交一次" in again.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1
    assert client_as("branch_a1_admin").get(url).status_code == 404  # no member record: nothing to answer


def test_owner_builds_publishes_and_downloads_links(world, client_as):
    client = client_as("branch_a1_admin")
    today = timezone.localdate().isoformat()
    created = client.post(
        reverse("surveys:survey_add"),
        {
            "organization": world["a1"].pk,
            "title": "村务满意度",
            "kind": "satisfaction",
            "target_kind": "organization",
            "audience": "public",
            "opens_on": today,
            "closes_on": today,
        },
    )
    assert created.status_code == 302
    from dangjian.surveys.models import Survey

    survey = Survey.objects.get(title="村务满意度")
    add = reverse("surveys:question_add", args=[survey.pk])
    assert (
        client.post(
            add, {"kind": "single", "text": "办事渠道", "options_text": "窗口\n网上", "required": "on"}
        ).status_code
        == 302
    )
    assert client.post(add, {"kind": "single", "text": "只一个", "options_text": "窗口"}).status_code == 200
    assert client.post(reverse("surveys:survey_open", args=[survey.pk])).status_code == 302
    download = client.post(reverse("surveys:token_issue", args=[survey.pk]), {"count": 3, "output": "xlsx"})
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert SurveyToken.objects.filter(survey=survey).count() == 3


def test_review_round_pages(world, client_as):
    client = client_as("branch_a1_admin")
    today = timezone.localdate()
    made = client.post(
        reverse("surveys:round_add"),
        {"organization": world["a1"].pk, "year": today.year, "opens_on": today, "closes_on": today},
    )
    assert made.status_code == 302
    from dangjian.surveys.models import ReviewRound

    review = ReviewRound.objects.get()
    decide = reverse("surveys:decision_add", args=[review.pk])
    client.post(
        decide, {"member": world["zhang"].pk, "grade": "unqualified", "reason": "", "decided_on": today}
    )
    assert not review.decisions.exists()
    client.post(
        decide, {"member": world["zhang"].pk, "grade": "qualified", "reason": "", "decided_on": today}
    )
    assert review.decisions.get().grade == "qualified"
    page = client.get(reverse("surveys:round_detail", args=[review.pk])).content.decode()
    assert results.SUPPRESSED in page  # no peer votes yet
    assert client.post(reverse("surveys:round_conclude", args=[review.pk])).status_code == 302
    review.refresh_from_db()
    assert review.concluded_on == today
    listing = client_as("county_admin").get(reverse("surveys:round_list"))
    assert list(listing.context["totals"]) == [
        ("优秀", 0),
        ("合格", 1),
        ("基本合格", 0),
        ("不合格", 0),
    ]
    assert client_as("town_a_admin").get(reverse("surveys:round_detail", args=[review.pk])).status_code == 200


def test_links_as_a_printable_qr_sheet(world, client_as):
    survey = make_survey(world["a1"])
    client = client_as("branch_a1_admin")
    sheet = client.post(reverse("surveys:token_issue", args=[survey.pk]), {"count": 2, "output": "qr"})
    assert sheet.status_code == 200 and sheet.content.decode().count("<svg") == 2
    too_many = client.post(reverse("surveys:token_issue", args=[survey.pk]), {"count": 501, "output": "qr"})
    assert too_many.status_code == 302
    assert SurveyToken.objects.filter(survey=survey).count() == 2


def test_a_member_sees_only_their_own_final_grade(world):
    from dangjian.accounts.services import do_create_user, do_grant_role
    from dangjian.core.testing import PASSWORD
    from dangjian.members.models import Member

    today = timezone.localdate()
    zhang_user = do_create_user(
        username="zhang_login", password=PASSWORD, acting_user=None, must_change_password=False
    )
    do_grant_role(
        user=zhang_user, role="member", organization=world["a1"], acting_user=None, include_descendants=False
    )
    Member.objects.filter(pk=world["zhang"].pk).update(user=zhang_user)  # test setup: link the login
    review = services.do_open_review_round(
        acting_user=None, organization=world["a1"], year=today.year, opens_on=today, closes_on=today
    )
    services.do_decide_member(
        review,
        acting_user=None,
        member=world["zhang"],
        grade="basic",
        reason="学习不够经常",
        decided_on=today,
    )
    own = Client()
    own.force_login(zhang_user, "django.contrib.auth.backends.ModelBackend")
    page = own.get(reverse("surveys:round_list")).content.decode()
    assert "您的评定等次为<strong>基本合格</strong>" in page
    assert own.get(reverse("surveys:round_detail", args=[review.pk])).status_code == 404
    other = Client()
    other.force_login(world["member_a1"], "django.contrib.auth.backends.ModelBackend")
    assert "基本合格</strong>" not in other.get(reverse("surveys:round_list")).content.decode()
