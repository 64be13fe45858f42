"""Checks on the notes of a subtree: pairs found, reference near-copies, scope, audit, pages and API."""

import json
import random
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.originality import quality, services
from dangjian.originality.models import OriginalityCheck, SimilarPair, TextFingerprint
from dangjian.study.services import do_write_note

PARAGRAPHS = quality.paragraphs()
BASE = PARAGRAPHS[3].text + PARAGRAPHS[4].text
COPY = quality.synonyms(BASE, random.Random(1))
TEMPLATE = PARAGRAPHS[20].text + PARAGRAPHS[21].text
FROM_TEMPLATE = quality.partial(TEMPLATE, random.Random(2))
OWN = PARAGRAPHS[30].text + PARAGRAPHS[31].text
DAY = date(2025, 3, 1)
PERIOD = {"start": date(2025, 1, 1), "end": date(2025, 12, 31)}


def write(world, member, text, title, kind="reflection", written_on=DAY):
    return do_write_note(
        acting_user=None, member=world[member], kind=kind, title=title, text=text, written_on=written_on
    )


@pytest.fixture
def notes(world):
    """张三丰 (A1) wrote BASE; 王五 (A2) copied it with synonyms; 李四 (A1) copied a template in part,
    赵六 (B1, outside A镇) copied BASE word for word; 张三丰 also wrote something of his own."""
    found = {
        "base": write(world, "zhang", BASE, "学习科学发展观体会"),
        "copy": write(world, "wang", COPY, "我的学习体会"),
        "template": write(world, "li", FROM_TEMPLATE, "心得"),
        "outside": write(world, "zhao", BASE, "照抄的体会"),
        "own": write(world, "zhang", OWN, "工作动态", kind="study_note"),
    }
    services.do_add_reference_text(
        acting_user=None,
        organization=world["root"],
        title="范文：学习心得模板",
        text=TEMPLATE,
        source="某范文网",
    )
    return found


def pairs_of(check):
    return {(p.first_id, p.second_source, p.second_id) for p in check.pairs.all()}


def test_check_finds_copies_and_reference_near_copies_in_the_subtree(world, notes):
    check = services.do_run_check(acting_user=world["town_a_admin"], organization=world["town_a"], **PERIOD)
    reference = services.ReferenceText.objects.get()
    assert check.texts_checked == 4  # 赵六 in B镇 is not read
    assert check.references_checked == 1
    found = pairs_of(check)
    base, copy = sorted((notes["base"].pk, notes["copy"].pk))
    assert (base, "note", copy) in found or (copy, "note", base) in found
    assert (notes["template"].pk, "reference", reference.pk) in found
    assert not any(notes["own"].pk in (a, b) for a, _, b in found)
    assert not any(notes["outside"].pk in (a, b) for a, _, b in found)
    assert check.pairs_found == len(found) == 2


def test_kind_and_period_narrow_the_check(world, notes):
    check = services.do_run_check(
        acting_user=None, organization=world["root"], start=DAY, end=DAY, kind="study_note"
    )
    assert check.texts_checked == 1
    later = services.do_run_check(
        acting_user=None, organization=world["root"], start=date(2025, 4, 1), end=date(2025, 12, 31)
    )
    assert later.texts_checked == 0 and later.pairs_found == 0


def test_fingerprints_are_stored_and_refreshed_when_a_note_changes(world, notes):
    services.do_run_check(acting_user=None, organization=world["root"], **PERIOD)
    assert TextFingerprint.objects.filter(source="note").count() == 5
    stored = TextFingerprint.objects.get(source="note", object_id=notes["own"].pk)
    note = notes["own"]
    note.text = BASE
    note.save()  # as an edit would; the check sees the newer updated_at and recomputes
    check = services.do_run_check(acting_user=None, organization=world["a1"], **PERIOD)
    assert (min(notes["base"].pk, note.pk), "note", max(notes["base"].pk, note.pk)) in pairs_of(check)
    assert TextFingerprint.objects.get(pk__gt=stored.pk, object_id=note.pk).signature != stored.signature


def test_fingerprint_hook_and_rebuild(world, notes):
    services.fingerprint(notes["base"])
    assert TextFingerprint.objects.filter(object_id=notes["base"].pk, source="note").count() == 1
    assert services.rebuild_fingerprints() == 6  # five notes and one reference text


def test_run_is_audited_with_scope_and_count(world, notes):
    user = world["branch_a1_admin"]
    check = services.do_run_check(acting_user=user, organization=world["a1"], **PERIOD)
    event = AuditEvent.objects.get(object_type="originality.originalitycheck", object_id=str(check.pk))
    assert event.user == user
    assert event.organization_path == world["a1"].path
    assert "A1村党支部" in event.message and "3 篇" in event.message


@pytest.mark.parametrize("role", ["town_a_admin", "branch_a1_admin", "inspector_a"])
def test_out_of_scope_check_is_refused(world, notes, role):
    with pytest.raises(PermissionDenied):
        services.do_run_check(acting_user=world[role], organization=world["b1"], **PERIOD)


@pytest.mark.parametrize("role", ["member_a1", "sysadmin", "nobody", "expired_inspector"])
def test_no_checking_role_no_check(world, notes, role):
    with pytest.raises(PermissionDenied):
        services.do_run_check(acting_user=world[role], organization=world["a1"], **PERIOD)


# Pages ----------------------------------------------------------------------------------------------
def test_page_runs_a_check_and_shows_the_pair_side_by_side(world, notes, client_as):
    client = client_as("town_a_admin")
    response = client.post(
        reverse("originality:check_run"),
        {"organization": world["town_a"].pk, "start": "2025-01-01", "end": "2025-12-31", "kind": ""},
    )
    check = OriginalityCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == check.get_absolute_url()
    page = client.get(check.get_absolute_url()).content.decode()
    assert "张三丰" in page and "王五" in page and "范文：学习心得模板" in page
    pair = check.pairs.get(second_source="note")
    side = client.get(pair.get_absolute_url()).content.decode()
    assert side.count("<mark>") >= 2
    assert "学习科学发展观体会" in side and "我的学习体会" in side


def test_page_refuses_an_organization_out_of_scope(world, notes, client_as):
    response = client_as("branch_a1_admin").post(
        reverse("originality:check_run"),
        {"organization": world["b1"].pk, "start": "2025-01-01", "end": "2025-12-31"},
    )
    assert response.status_code == 404
    assert not OriginalityCheck.objects.exists()


def test_pairs_of_a_check_elsewhere_are_not_found(world, notes, client_as):
    check = services.do_run_check(acting_user=None, organization=world["root"], **PERIOD)
    client = client_as("branch_a1_admin")
    assert client.get(check.get_absolute_url()).status_code == 404
    for pair in SimilarPair.objects.all():
        assert client.get(pair.get_absolute_url()).status_code == 404


def test_a_member_sees_no_check_and_no_one_elses_note(world, notes, client_as):
    check = services.do_run_check(acting_user=None, organization=world["a1"], **PERIOD)
    client = client_as("member_a1")
    assert client.get(reverse("originality:check_list")).status_code == 403
    assert client.get(check.get_absolute_url()).status_code == 403
    assert client.get(check.pairs.first().get_absolute_url()).status_code == 403
    assert "雷同检测" not in client.get(reverse("home")).content.decode()


# API ------------------------------------------------------------------------------------------------
def test_api_runs_a_check_and_lists_its_pairs(world, notes, client_as):
    client = client_as("inspector_a")
    url = reverse("originality-api:check-list")
    payload = {"organization": world["town_a"].pk, "start": "2025-01-01", "end": "2025-12-31"}
    response = client.post(url, data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["texts_checked"] == 4 and body["pairs_found"] == 2
    pairs = client.get(reverse("originality-api:check-pairs", args=[body["id"]])).json()
    assert {p["second_source"] for p in pairs["results"]} == {"note", "reference"}
    assert all(p["score"] >= p["jaccard"] for p in pairs["results"])
    outside = {"organization": world["b1"].pk, "start": "2025-01-01", "end": "2025-12-31"}
    response = client.post(url, data=json.dumps(outside), content_type="application/json")
    assert response.status_code == 404
    assert client_as("member_a1").get(url).status_code == 403


def test_api_lists_only_checks_in_scope(world, notes, client_as):
    services.do_run_check(acting_user=None, organization=world["b1"], **PERIOD)
    mine = services.do_run_check(acting_user=None, organization=world["a1"], **PERIOD)
    rows = client_as("town_a_admin").get(reverse("originality-api:check-list")).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]


def test_an_inspection_sample_is_checked_alone(world, notes, client_as):
    sample = [notes["base"].pk, notes["own"].pk, notes["outside"].pk]  # 赵六's is outside A镇
    check = services.do_run_check(
        acting_user=world["town_a_admin"], organization=world["town_a"], sample=sample, **PERIOD
    )
    assert check.texts_checked == 2 and check.pairs_found == 0
    assert check.sample == sorted(sample)
    payload = {**{k: str(v) for k, v in PERIOD.items()}, "organization": world["root"].pk}
    payload["notes"] = [notes["base"].pk, notes["outside"].pk]
    response = client_as("county_admin").post(
        reverse("originality-api:check-list"), data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["pairs_found"] == 1 and response.json()["sample"] == sorted(payload["notes"])


def test_side_by_side_escapes_the_texts(world, client_as):
    text = "<script>alert(1)</script>" + BASE
    write(world, "zhang", text, "甲")
    write(world, "li", text, "乙")
    check = services.do_run_check(acting_user=None, organization=world["a1"], **PERIOD)
    page = client_as("branch_a1_admin").get(check.pairs.get().get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;" in page and "&lt;/" in page  # escaped, whether or not inside a highlighted passage


def test_a_note_written_through_the_study_service_is_fingerprinted_at_once(world):
    note = write(world, "li", BASE, "心得")
    stored = TextFingerprint.objects.get(source="note", object_id=note.pk)
    assert stored.signature and stored.source_updated_at == note.updated_at
