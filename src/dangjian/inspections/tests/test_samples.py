"""Samples: drawn with the engine, seed recorded, items and per-stratum counts stored; `dangjian sample`
reproduces them; the sampled notes go to the originality check."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dangjian.accounts.scope import reset_scope
from dangjian.inspections import services
from dangjian.inspections.choices import SampleItemKind
from dangjian.inspections.models import Sample, SampleItem
from dangjian.inspections.sampling import SampleSpec
from dangjian.study.services import do_write_note

from .factories import inspection

TEXT = "认真学习党章党规，坚持以人民为中心的发展思想，扎实推进基层党建各项工作落到实处。"


def write_notes(world):
    today = timezone.localdate()
    notes = []
    for key, kind, days in (
        ("zhang", "study_note", 3),
        ("zhang", "reflection", 5),
        ("wang", "study_note", 4),
    ):
        notes.append(
            do_write_note(
                acting_user=None,
                member=world[key],
                kind=kind,
                title=f"{world[key].name}的学习笔记",
                text=f"{TEXT}{key}{days}",
                written_on=today - timedelta(days=days),
            )
        )
    return notes


def spec(**extra):
    today = timezone.localdate()
    return SampleSpec(
        population="members", per_unit=2, notes_from=today - timedelta(days=30), notes_to=today, **extra
    )


@pytest.fixture
def both(world):
    """A plan of A镇党委: A1 for 第一督导组 (inspector_a, nobody), A2 for 第二督导组 (expired_inspector)."""
    found = inspection(world)
    second = services.do_create_team(
        found.plan, acting_user=None, name="第二督导组", leader=world["expired_inspector"]
    )
    services.do_assign_unit(second, world["a2"], acting_user=None)
    write_notes(world)
    return found


def test_a_sample_records_its_seed_items_and_counts(world, both):
    sample = services.do_draw_sample(
        both.plan, acting_user=None, units=[world["a2"], world["a1"]], spec=spec()
    )
    assert sample.seed is not None and sample.digest
    assert [row["unit_name"] for row in sample.strata] == ["A1村党支部", "A2社区党支部"]
    a1 = sample.strata[0]
    assert (a1["population"], a1["people"], a1["notes"], a1["reflections"]) == (2, 2, 1, 1)
    assert sample.strata[1]["people"] == 1
    items = SampleItem.objects.filter(sample=sample)
    assert items.filter(kind=SampleItemKind.PERSON).count() == 3
    assert items.filter(kind=SampleItemKind.STUDY_NOTE).count() == 2
    assert sample.description == "抽查2个单位3名党员的学习笔记2篇、心得1篇"
    assert sample.spec["as_of"] == timezone.localdate().isoformat()
    # the stored counts are the counts of the stored items
    for row in sample.strata:
        assert items.filter(unit_id=row["unit_id"], kind="person").count() == row["people"]


def test_the_command_reproduces_the_sample(world, both):
    sample = services.do_draw_sample(both.plan, acting_user=None, units=[world["a1"]], spec=spec(), seed=42)
    assert sample.seed == 42
    out = io.StringIO()
    call_command("sample", plan=both.plan.pk, seed=42, stdout=out)
    text = out.getvalue()
    assert sample.description in text and sample.digest in text
    assert "A1村党支部：总体2人，抽取2人，学习笔记1篇，心得1篇" in text
    assert f"与保存的抽样#{sample.pk}一致" in text
    # Another seed: printed, with nothing stored to compare.
    with pytest.raises(CommandError):
        call_command("sample", plan=both.plan.pk, seed=43, stdout=io.StringIO())


def test_the_command_notices_a_changed_record(world, both):
    services.do_draw_sample(both.plan, acting_user=None, units=[world["a1"]], spec=spec(), seed=7)
    write_notes(world)  # new notes of the drawn people in the period
    out = io.StringIO()
    with pytest.raises(CommandError, match="不一致"):
        call_command("sample", plan=both.plan.pk, seed=7, stdout=out)


def test_an_inspector_draws_only_in_their_units(world, both):
    nobody = world["nobody"]
    with pytest.raises(PermissionDenied):
        services.do_draw_sample(both.plan, acting_user=nobody, units=[world["a1"], world["a2"]], spec=spec())
    sample = services.do_draw_sample(both.plan, acting_user=nobody, units=[world["a1"]], spec=spec())
    assert sample.drawn_by == nobody
    reset_scope(nobody)
    assert list(Sample.objects.visible_to(nobody)) == [sample]
    other = services.do_draw_sample(both.plan, acting_user=None, units=[world["a2"]], spec=spec())
    assert set(Sample.objects.visible_to(nobody)) == {sample}
    assert set(Sample.objects.visible_to(world["town_a_admin"])) == {sample, other}


def test_the_sampled_notes_go_to_the_originality_check(world, both):
    sample = services.do_draw_sample(both.plan, acting_user=None, units=[world["a1"]], spec=spec())
    check = services.do_check_sample_originality(sample, acting_user=world["nobody"])
    assert sorted(check.sample) == sorted(
        sample.items.filter(kind__in=["study_note", "reflection"]).values_list("object_id", flat=True)
    )
    assert check.organization == world["a1"] and check.texts_checked == 2
    sample.refresh_from_db()
    assert sample.originality_check == check


def test_the_sample_page_counts_each_stratum_and_links_what_the_reader_may_open(world, both, client_as):
    from django.urls import reverse

    sample = services.do_draw_sample(
        both.plan, acting_user=None, units=[world["a1"], world["a2"]], spec=spec(), seed=5
    )
    url = reverse("inspections:sample_detail", args=[sample.pk])
    page = client_as("town_a_admin").get(url).content.decode()
    assert sample.description in page and "dangjian sample --plan" in page
    assert "张三丰" in page and "王五" in page and "张三丰的学习笔记" in page
    # The unit's own administrator sees the sample (it touches A1) but not A2's people.
    page = client_as("branch_a1_admin").get(url).content.decode()
    assert "张三丰" in page and "王五" not in page and "无权查看" in page


def test_an_inspector_draws_through_the_page(world, both, client_as):
    from django.urls import reverse

    client = client_as("nobody")
    url = reverse("inspections:sample_add", args=[both.plan.pk])
    form = client.get(url, {"unit": world["a1"].pk}).context["form"]
    assert list(form.fields["units"].queryset) == [world["a1"]]  # only their team's unit is offered
    assert form.initial["units"] == [world["a1"].pk] and form.initial["population"] == "leading_cadres"
    response = client.post(
        url, {"units": [world["a1"].pk], "population": "members", "total": "1", "seed": "9"}
    )
    sample = Sample.objects.get()
    assert response["Location"] == sample.get_absolute_url() and sample.seed == 9
    both_units = {"units": [world["a1"].pk, world["a2"].pk], "population": "members", "per_unit": "1"}
    assert "units" in client.post(url, both_units).context["form"].errors
