"""发展党员 figures: the pipeline read back to period.end from the steps' dates (closed and confirmed
files out), the admissions of the period as `statistics.admissions` counts them, and the subtree."""

from datetime import date

import pytest

from dangjian.core.figures import Period, figure_keys, get_figure
from dangjian.development.models import DevelopmentFile, Step
from dangjian.development.statistics import admissions

pytestmark = pytest.mark.django_db

Y2024, Y2025, Y2026 = Period.year(2024), Period.year(2025), Period.year(2026)


def file_with(world, org, name, steps, **fields):
    if fields.get("closed_on"):
        fields["closed_reason"] = "本人撤回申请"
    file = DevelopmentFile.objects.create(
        organization=world[org],
        name=name,
        sex=fields.pop("sex", "male"),
        birth_date=date(1995, 1, 1),
        **fields,
    )
    for no, day in steps.items():
        Step.objects.create(file=file, no=no, date=day)
    return file


@pytest.fixture
def files(world):
    early = date(2024, 3, 1)
    return {
        "甲": file_with(world, "a1", "甲", {1: date(2025, 2, 1), 3: date(2025, 6, 1)}),
        "乙": file_with(world, "a1", "乙", {1: date(2025, 3, 1), 3: date(2025, 4, 1), 7: date(2026, 1, 5)}),
        "丙": file_with(world, "a2", "丙", {1: date(2025, 5, 1)}),
        "丁": file_with(
            world, "a2", "丁", {1: early, 3: early, 7: date(2024, 9, 1), 17: date(2025, 12, 31)}, sex="female"
        ),
        "戊": file_with(
            world,
            "b1",
            "戊",
            {1: early, 3: early, 7: early, 17: date(2024, 6, 1), 24: date(2025, 6, 1)},
            stage="full",
        ),
        "己": file_with(world, "a1", "己", {1: date(2025, 1, 1)}, closed_on=date(2025, 10, 1)),
        "庚": file_with(world, "a1", "庚", {1: date(2025, 1, 1)}, closed_on=date(2026, 2, 1)),
    }


def names(key, org, period=Y2025):
    return set(get_figure(key).records(org, period).values_list("name", flat=True))


def test_pipeline_at_the_end_of_each_year(world, files):
    assert names("development.applicants", world["root"]) == {"丙", "庚"}  # 己 closed in 2025
    assert names("development.activists", world["root"]) == {"甲", "乙"}  # 乙 a 发展对象 only in 2026
    assert names("development.candidates", world["root"]) == set()
    assert names("development.probationary", world["root"]) == {"丁"}  # 戊 confirmed in June
    assert names("development.candidates", world["root"], Y2026) == {"乙"}
    assert names("development.applicants", world["root"], Y2026) == {"丙"}  # 庚 closed in 2026
    assert names("development.candidates", world["root"], Y2024) == {"丁"}
    assert names("development.probationary", world["root"], Y2024) == {"戊"}
    assert names("development.activists", world["town_a"]) == {"甲", "乙"}
    assert names("development.probationary", world["town_b"]) == set()


def test_admissions_are_the_statistics(world, files):
    assert get_figure("development.admitted").value(world["root"], Y2025) == 1
    found = get_figure("development.admitted").records(world["root"], Y2025)
    assert list(found.values_list("pk", flat=True)) == list(
        admissions(world["root"], Y2025.start, Y2025.end).values_list("pk", flat=True)
    )
    assert get_figure("development.admitted.female").value(world["town_a"], Y2025) == 1
    assert get_figure("development.admitted").value(world["b1"], Y2024) == 1
    assert get_figure("development.admitted").value(world["b1"], Y2025) == 0


@pytest.mark.parametrize("org", ["root", "town_a", "a1", "b1"])
def test_values_are_what_the_records_list(world, files, org, django_assert_max_num_queries):
    for key in figure_keys("development."):
        figure = get_figure(key)
        for period in (Y2024, Y2025):
            with django_assert_max_num_queries(1):
                found = figure.value(world[org], period)
            assert found == figure.recount(world[org], period), key
