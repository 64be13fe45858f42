"""The rules engine: every time rule at its boundary (a day short, the exact day), order, sponsors, votes,
extension of probation."""

from datetime import date, timedelta

import pytest

from dangjian.development.engine import Limits, add_months, check, vote_problems

BIRTH = date(2000, 3, 15)
FULL = {"name": "王红", "status": "full"}
FULL2 = {"name": "李明", "status": "full", "full_since": "2010-07-01"}
VOTE = {"eligible": 20, "present": 15, "for": 14}


def timeline(**changes):
    """A complete, valid file; `changes` maps step number → new date or a dict of fields (merged)."""
    steps = [
        {"no": 1, "date": "2021-03-01"},
        {"no": 2, "date": "2021-03-20"},
        {"no": 3, "date": "2021-09-01"},
        {"no": 4, "date": "2021-09-10"},
        {"no": 5, "date": "2021-09-10", "mentors": [FULL, FULL2]},
        {"no": 6, "date": "2022-03-01"},
        {"no": 6, "date": "2022-08-30"},
        {"no": 7, "date": "2022-09-01"},
        {"no": 8, "date": "2022-09-05"},
        {"no": 9, "date": "2022-09-10", "sponsors": [FULL, FULL2]},
        {"no": 10, "date": "2022-10-10", "conclusion": "passed"},
        {"no": 11, "date": "2022-10-20", "days": 3},
        {"no": 12, "date": "2022-11-01"},
        {"no": 13, "date": "2022-11-20", "passed": True},
        {"no": 14, "date": "2022-11-25"},
        {"no": 15, "date": "2022-12-01", **VOTE},
        {"no": 16, "date": "2022-12-20"},
        {"no": 17, "date": "2023-01-10"},
        {"no": 18, "date": "2023-01-20"},
        {"no": 19, "date": "2023-01-20"},
        {"no": 20, "date": "2023-02-01"},
        {"no": 21, "date": "2023-06-01"},
        {"no": 22, "date": "2023-11-26"},
        {"no": 23, "date": "2023-12-01", "outcome": "confirm", **VOTE},
        {"no": 24, "date": "2024-01-15"},
        {"no": 25, "date": "2024-02-01"},
    ]
    for key, value in changes.items():
        no = int(key.removeprefix("s"))
        step = next(s for s in reversed(steps) if s["no"] == no)
        if isinstance(value, dict):
            step.update(value)
        else:
            step["date"] = value
    return steps


def codes(result):
    return [v.code for v in result.violations]


def test_a_complete_valid_file_has_no_violation_and_is_a_full_member():
    result = check(BIRTH, timeline())
    assert result.violations == []
    assert result.stage == "full"
    assert result.next_steps == []
    assert result.probation_end == date(2023, 12, 1)


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2021, 1, 31), 1) == date(2021, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2021, 11, 15), 2) == date(2022, 1, 15)


# Age (art.5) -----------------------------------------------------------------------------------------
def test_age_18_on_the_exact_birthday_and_a_day_short():
    assert "age" not in codes(check(date(2003, 3, 1), timeline()))  # 18 on 2021-03-01
    result = check(date(2003, 3, 2), timeline())
    assert codes(result) == ["age"]
    assert "未满18周岁" in result.violations[0].message
    assert "细则第五条" in result.violations[0].message


# Talk within a month (art.7) -------------------------------------------------------------------------
def test_talk_on_the_last_day_of_the_month_and_a_day_late():
    assert codes(check(BIRTH, timeline(s2="2021-04-01"))) == []
    result = check(BIRTH, timeline(s2="2021-04-02"))
    assert codes(result) == ["talk_late"]
    assert "一个月内" in result.violations[0].message and "细则第七条" in result.violations[0].message


# Applicant's minimum time (UNCONFIRMED: a setting) ---------------------------------------------------
def test_applicant_minimum_is_off_by_default_and_enforced_when_set():
    steps = timeline(s3="2021-06-01", s4="2021-06-02", s5="2021-06-02")
    steps = [s for s in steps if not (s["no"] == 6 and s["date"] == "2022-03-01")]
    steps[5]["date"] = "2021-12-01"
    steps[6]["date"] = "2022-06-01"
    assert codes(check(BIRTH, steps)) == []
    six = Limits(applicant_min_months=6)
    assert codes(check(BIRTH, timeline(), limits=six)) == []  # 2021-03-01 → 2021-09-01 exactly
    assert "applicant_too_short" in codes(check(BIRTH, timeline(s3="2021-08-31"), limits=six))


# One year of education (art.13) and half-yearly assessment (art.11) --------------------------------------
def test_candidate_after_exactly_a_year_and_a_day_short():
    assert codes(check(BIRTH, timeline(s7="2022-09-01"))) == []
    result = check(BIRTH, timeline(s7="2022-08-31", s8="2022-09-01"))
    assert codes(result) == ["education_too_short"]
    message = result.violations[0].message
    assert "培养教育考察时间不足一年" in message and "细则第十三条" in message


def test_assessment_every_six_months_exact_and_a_day_late():
    # 3 on 2021-09-01: the first assessment by 2022-03-01, the next by 2022-09-01 (the 7 on that day)
    assert codes(check(BIRTH, timeline(s6="2022-03-01"))) == []
    steps = timeline()
    steps[5]["date"] = "2022-03-02"
    result = check(BIRTH, steps)
    assert codes(result) == ["assessment_gap"]
    assert "每半年" in result.violations[0].message and "细则第十一条" in result.violations[0].message


# Mentors (art.9) and sponsors (art.14–15) -------------------------------------------------------------
def test_mentors_one_or_two_full_members():
    assert codes(check(BIRTH, timeline(s5={"mentors": [FULL]}))) == []
    assert codes(check(BIRTH, timeline(s5={"mentors": []}))) == ["mentors_count"]
    assert codes(check(BIRTH, timeline(s5={"mentors": [FULL, FULL2, FULL]}))) == ["mentors_count"]
    probationary = {"name": "赵六", "status": "probationary"}
    assert codes(check(BIRTH, timeline(s5={"mentors": [probationary]}))) == ["培养联系人_not_full"]


def test_sponsors_two_full_members_not_under_probation_discipline():
    assert codes(check(BIRTH, timeline(s9={"sponsors": [FULL]}))) == ["sponsors_count"]
    probationary = {"name": "赵六", "status": "probationary"}
    result = check(BIRTH, timeline(s9={"sponsors": [FULL, probationary]}))
    assert codes(result) == ["入党介绍人_not_full"]
    assert "赵六不是正式党员" in result.violations[0].message
    disciplined = {"name": "钱七", "status": "full", "under_probation_discipline": True}
    result = check(BIRTH, timeline(s9={"sponsors": [FULL, disciplined]}))
    assert codes(result) == ["sponsor_discipline"]
    assert "留党察看" in result.violations[0].message and "细则第十五条" in result.violations[0].message
    restored = dict(disciplined, rights_restored=True)
    assert codes(check(BIRTH, timeline(s9={"sponsors": [FULL, restored]}))) == []


def test_a_sponsor_must_be_full_on_the_day_of_the_step():
    on_the_day = {"name": "孙八", "status": "full", "full_since": "2022-09-10"}
    assert codes(check(BIRTH, timeline(s9={"sponsors": [FULL, on_the_day]}))) == []
    next_day = dict(on_the_day, full_since="2022-09-11")
    assert codes(check(BIRTH, timeline(s9={"sponsors": [FULL, next_day]}))) == ["入党介绍人_not_full"]


# Political review, training (art.17), pre-review --------------------------------------------------------
def test_failed_political_review_stops_the_file():
    result = check(BIRTH, timeline(s10={"conclusion": "failed"}))
    assert codes(result) == ["review_failed", "review_failed"]


def test_training_three_days_or_24_hours():
    assert codes(check(BIRTH, timeline(s11={"days": 0, "hours": 24}))) == []
    assert codes(check(BIRTH, timeline(s11={"days": 2.5, "hours": 23}))) == ["training_short"]


def test_pre_review_within_a_month_is_a_setting():
    assert codes(check(BIRTH, timeline(s12="2022-10-25", s13="2022-11-25"))) == []
    late = timeline(s12="2022-10-25", s13="2022-11-26", s14="2022-11-26")
    assert codes(check(BIRTH, late)) == ["pre_review_late"]
    assert codes(check(BIRTH, late, limits=Limits(pre_review_within_months=None))) == []
    assert codes(check(BIRTH, timeline(s13={"passed": False}))) == ["pre_review_failed", "pre_review_failed"]


# Votes (art.20–21) ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vote", "expected"),
    [
        ({"eligible": 20, "present": 11, "for": 11}, []),
        ({"eligible": 20, "present": 10, "for": 10, "written_for": 1}, ["quorum"]),
        ({"eligible": 20, "present": 15, "for": 10}, ["majority"]),
        ({"eligible": 20, "present": 15, "for": 10, "written_for": 1}, []),  # written opinions count
        ({"eligible": 21, "present": 11, "for": 10, "written_for": 0}, ["majority"]),
        ({"eligible": 20, "present": 21, "for": 11}, ["vote_numbers"]),
        ({"eligible": 20, "present": 15, "for": 10, "against": 6}, ["vote_numbers"]),
        ({"eligible": 20, "present": 15, "for": 10, "written_for": 6}, ["vote_numbers"]),
        ({"eligible": 20}, ["vote_missing"]),
    ],
)
def test_vote_quorum_and_majority(vote, expected):
    assert [code for code, _ in vote_problems(vote, "表决")] == expected
    steps = timeline(s15=vote)
    del_keys = {"present", "for"} - set(vote)
    step15 = next(s for s in steps if s["no"] == 15)
    for key in del_keys:
        step15.pop(key)
    assert codes(check(BIRTH, steps)) == expected


# Approval within 3 months (6 when delayed) -----------------------------------------------------------
def test_approval_within_three_months_or_six_when_delayed():
    assert codes(check(BIRTH, timeline(s17="2023-03-01", s18="2023-03-01", s19="2023-03-01",
                                       s20="2023-03-02"))) == []  # fmt: skip
    late = timeline(s17="2023-03-02", s18="2023-03-02", s19="2023-03-02", s20="2023-03-02")
    assert codes(check(BIRTH, late)) == ["approval_late"]
    delayed = timeline(s17={"date": "2023-06-01", "delayed": True}, s18="2023-06-01", s19="2023-06-01",
                       s20="2023-06-02", s21="2023-07-01")  # fmt: skip
    assert codes(check(BIRTH, delayed)) == []
    for i in (17, 18, 19):
        delayed[i]["date"] = "2023-06-02"
    assert codes(check(BIRTH, delayed)) == ["approval_late"]


# Order -------------------------------------------------------------------------------------------------
def test_a_step_before_its_predecessor_is_out_of_order():
    result = check(BIRTH, timeline(s9="2022-09-04"))  # sponsors before 8 (报上级党委备案)
    assert codes(result) == ["order"]
    assert "须先完成第8步" in result.violations[0].message
    skipped = [s for s in timeline() if s["no"] != 12]
    assert codes(check(BIRTH, skipped)) == ["order"]
    assert codes(check(BIRTH, [*timeline(), {"no": 14, "date": "2024-03-01"}])) == ["repeated"]
    assert codes(check(BIRTH, [{"no": 26, "date": "2021-03-01"}])) == ["unknown_step"]


# Probation, confirmation, extension (art.32–34) -------------------------------------------------------
def test_confirmation_not_before_the_probation_ends():
    assert codes(check(BIRTH, timeline(s23="2023-11-30"))) == ["before_probation_end"]


def test_confirmation_application_window():
    assert codes(check(BIRTH, timeline(s22="2023-11-24"))) == []  # 7 days before 2023-12-01
    assert codes(check(BIRTH, timeline(s22="2023-11-23"))) == ["application_window"]
    late = timeline(s22="2024-01-01", s23="2024-01-02", s24="2024-01-15")
    assert codes(check(BIRTH, late)) == []  # a month after the end, exactly
    late = timeline(s22="2024-01-02", s23="2024-01-02", s24="2024-01-15")
    assert codes(check(BIRTH, late)) == ["application_window"]


def test_confirmation_approval_within_three_months():
    assert codes(check(BIRTH, timeline(s24="2024-03-01", s25="2024-03-01"))) == []
    assert codes(check(BIRTH, timeline(s24="2024-03-02", s25="2024-03-02"))) == ["confirmation_approval_late"]


def extended(months=6, second=None):
    """Probation extended by `months` at the first 23; a second round confirms (or `second`)."""
    steps = timeline(s23={"outcome": "extend", "months": months}, s24="2023-12-20", s25="2099-01-01")
    steps = [s for s in steps if s["no"] != 25]
    end = add_months(date(2023, 12, 1), months)
    steps += [
        {"no": 21, "date": "2024-02-01"},
        {"no": 22, "date": (end - timedelta(days=3)).isoformat()},
        {"no": 23, "date": end.isoformat(), **VOTE, **(second or {"outcome": "confirm"})},
        {"no": 24, "date": add_months(end, 1).isoformat()},
    ]
    return steps


def test_extension_once_between_6_and_12_months():
    result = check(BIRTH, extended(6))
    assert codes(result) == []
    assert result.stage == "full"
    assert result.probation_end == date(2024, 6, 1)
    assert codes(check(BIRTH, extended(12))) == []
    assert codes(check(BIRTH, extended(5))) == ["extension_length"]
    assert codes(check(BIRTH, extended(13))) == ["extension_length"]


def test_probation_cannot_be_extended_twice():
    result = check(BIRTH, extended(6, second={"outcome": "extend", "months": 6}))
    assert codes(result) == ["extension_twice"]
    assert "只能延长一次" in result.violations[0].message


def test_the_second_confirmation_waits_for_the_extended_end():
    steps = extended(6)
    steps[-2]["date"] = "2024-05-31"  # a day before the extended end
    assert codes(check(BIRTH, steps)) == ["before_probation_end"]


def test_cancelled_probation_ends_the_file():
    steps = timeline(s23={"outcome": "cancel"})
    result = check(BIRTH, steps)
    assert codes(result) == []
    assert result.stage == "cancelled"
    assert codes(check(BIRTH, [*steps, {"no": 21, "date": "2024-03-01"}])) == ["cancelled", "after_probation"]


# Stages and next-step windows ---------------------------------------------------------------------------
def upto(no):
    return [s for s in timeline() if s["no"] <= no]


def test_stages():
    assert check(BIRTH, []).stage == ""
    assert check(BIRTH, upto(2)).stage == "applicant"
    assert check(BIRTH, upto(6)).stage == "activist"
    assert check(BIRTH, upto(16)).stage == "candidate"
    assert check(BIRTH, upto(22)).stage == "probationary"


def windows(steps, today=None):
    return [(w.no, w.earliest, w.latest, w.overdue) for w in check(BIRTH, steps, today=today).next_steps]


def test_next_step_windows():
    assert windows([]) == [(1, None, None, False)]
    assert windows(upto(1)) == [(2, date(2021, 3, 1), date(2021, 4, 1), False)]
    assert windows(upto(1), today=date(2021, 4, 2)) == [(2, date(2021, 3, 1), date(2021, 4, 1), True)]
    assert windows(upto(5)) == [(6, date(2021, 9, 10), date(2022, 3, 1), False)]
    assert windows(upto(6)) == [
        (6, date(2022, 8, 30), date(2023, 2, 28), False),
        (7, date(2022, 9, 1), None, False),
    ]
    assert windows(upto(12)) == [(13, date(2022, 11, 1), date(2022, 12, 1), False)]
    assert windows(upto(15)) == [(16, date(2022, 12, 1), date(2023, 3, 1), False)]
    assert windows(upto(16)) == [(17, date(2022, 12, 20), date(2023, 3, 1), False)]
    assert windows(upto(19)) == [(20, date(2023, 1, 20), date(2023, 12, 1), False)]
    assert windows(upto(21)) == [
        (21, date(2023, 6, 1), date(2023, 12, 1), False),
        (22, date(2023, 11, 24), date(2024, 1, 1), False),
    ]
    assert windows(upto(22)) == [(23, date(2023, 12, 1), None, False)]
    assert windows(upto(23)) == [(24, date(2023, 12, 1), date(2024, 3, 1), False)]
    assert windows(upto(24)) == [(25, date(2024, 1, 15), None, False)]


def test_after_an_extension_the_round_starts_again():
    steps = extended(6)[:-3]  # extended, approved, one more 21
    assert windows(steps)[1] == (22, date(2024, 5, 25), date(2024, 7, 1), False)
