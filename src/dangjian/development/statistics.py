"""Development figures of a committee's subtree (rules.md §8): admissions (step 17, 上级党委审批) in a
period by sex, age band at admission, education, occupation (人员类别) and ethnicity; the pipeline by stage;
overdue steps; plans against admissions. Every figure is one grouped query (no loop over people).

Education, occupation and ethnicity come from the file, or else from the linked member's record; where
neither knows, the person is counted as 未填写.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, NullIf
from django.utils import timezone

from dangjian.core.tree import subtree_q
from dangjian.members.choices import ETHNICITY_CHOICES, HAN, Education, MemberCategory, Sex

from . import engine
from .models import DevelopmentFile, DevelopmentPlan, Step

ADMISSION_STEP = 17
AGE_BANDS = [  # rules.md §8
    ("≤30", None, 30),
    ("31–35", 31, 35),
    ("36–40", 36, 40),
    ("41–45", 41, 45),
    ("46–50", 46, 50),
    ("51–55", 51, 55),
    ("56–60", 56, 60),
    ("≥61", 61, None),
]
COLLEGE = [Education.POSTGRADUATE, Education.BACHELOR, Education.COLLEGE]
UNKNOWN = "未填写"
YOUNG_BANDS = ("≤30", "31–35")  # 35岁及以下


def _known(file_field: str, member_field: str):
    return Coalesce(
        NullIf(F(f"file__{file_field}"), Value("")),
        NullIf(F(f"file__member__{member_field}"), Value("")),
        Value(""),
        output_field=CharField(),
    )


def _age_at_admission():
    """Whole years between the birth date and the step's date, in SQL (SQLite and PostgreSQL)."""
    not_yet = Q(month__lt=F("birth_month")) | Q(month=F("birth_month"), day__lt=F("birth_day"))
    return F("year") - F("birth_year") - Case(When(not_yet, then=Value(1)), default=Value(0))


def admissions(organization, start: date, end: date):
    """The step-17 approvals dated start..end of files in `organization`'s subtree, with the person's data."""
    qs = (
        Step.objects.filter(no=ADMISSION_STEP, date__range=(start, end))
        .filter(subtree_q(organization.path, "file__organization__path"))
        .annotate(
            year=ExtractYear("date"),
            month=ExtractMonth("date"),
            day=ExtractDay("date"),
            birth_year=ExtractYear("file__birth_date"),
            birth_month=ExtractMonth("file__birth_date"),
            birth_day=ExtractDay("file__birth_date"),
        )
        .annotate(
            age=_age_at_admission(),
            sex=F("file__sex"),
            education=_known("education", "education"),
            category=_known("category", "category"),
            ethnicity=_known("ethnicity", "ethnicity"),
        )
    )
    whens = []
    for label, low, high in AGE_BANDS:
        q = Q()
        if low is not None:
            q &= Q(age__gte=low)
        if high is not None:
            q &= Q(age__lte=high)
        whens.append(When(q, then=Value(label)))
    return qs.annotate(band=Case(*whens, output_field=CharField()))


DIMENSIONS = ("sex", "band", "education", "category", "ethnicity")


def _found(qs, field_name: str) -> dict:
    return dict(qs.order_by().values_list(field_name).annotate(n=Count("id")))


def _rows(found: dict, labels: dict) -> list[tuple[str, int]]:
    found = dict(found)
    rows = [(label, found.pop(code, 0)) for code, label in labels.items()]
    unknown = found.pop("", 0) + found.pop(None, 0)
    rows += [(labels.get(code, code), n) for code, n in sorted(found.items(), key=lambda kv: str(kv[0]))]
    if unknown:
        rows.append((UNKNOWN, unknown))
    return rows


def _by_dimension(qs) -> tuple[dict, dict[str, dict]]:
    """One grouped query over every combination of the dimensions (a few hundred groups at most); the
    totals and each dimension's counts are summed from its rows."""
    totals = dict.fromkeys(("total", "women", "young", "college", "minority"), 0)
    counts: dict[str, dict] = {name: {} for name in DIMENSIONS}
    for *values, n in qs.order_by().values_list(*DIMENSIONS).annotate(n=Count("id")):
        row = dict(zip(DIMENSIONS, values, strict=True))
        for name, value in row.items():
            counts[name][value] = counts[name].get(value, 0) + n
        totals["total"] += n
        totals["women"] += n if row["sex"] == Sex.FEMALE else 0
        totals["young"] += n if row["band"] in YOUNG_BANDS else 0
        totals["college"] += n if row["education"] in COLLEGE else 0
        totals["minority"] += n if row["ethnicity"] not in ("", None, HAN) else 0
    return totals, counts


def admission_totals(qs) -> dict:
    """Totals of an `admissions` queryset: one aggregate query."""
    return qs.aggregate(
        total=Count("id"),
        women=Count("id", filter=Q(sex=Sex.FEMALE)),
        young=Count("id", filter=Q(age__lte=35)),
        college=Count("id", filter=Q(education__in=COLLEGE)),
        minority=Count("id", filter=~Q(ethnicity__in=["", HAN])),
    )


@dataclass
class PlanRow:
    plan: DevelopmentPlan
    actual: dict
    by_category: list[tuple[str, int, int]] = field(default_factory=list)  # (label, planned, actual)

    @property
    def reached(self) -> bool:
        return self.actual["total"] >= self.plan.total


def plan_progress(plans) -> list[PlanRow]:
    """Each plan against the admissions of its year in its organization's subtree (grouped per plan)."""
    labels = dict(MemberCategory.choices)
    rows = []
    for plan in plans:
        qs = admissions(plan.organization, date(plan.year, 1, 1), date(plan.year, 12, 31))
        actual = admission_totals(qs)
        by_category = []
        if plan.by_category:
            found = _found(qs, "category")
            by_category = [(labels.get(c, c), n, found.get(c, 0)) for c, n in plan.by_category.items()]
        rows.append(PlanRow(plan, actual, by_category))
    return rows


@dataclass
class Statistics:
    organization: object
    start: date
    end: date
    totals: dict
    by_sex: list
    by_band: list
    by_education: list
    by_category: list
    by_ethnicity: list
    pipeline: list
    overdue: int
    overdue_by_step: list
    plans: list[PlanRow]

    def as_dict(self) -> dict:
        def pairs(rows):
            return [{"label": label, "count": n} for label, n in rows]

        return {
            "organization": self.organization.pk,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "admissions": self.totals,
            "by_sex": pairs(self.by_sex),
            "by_age_band": pairs(self.by_band),
            "by_education": pairs(self.by_education),
            "by_category": pairs(self.by_category),
            "by_ethnicity": pairs(self.by_ethnicity),
            "pipeline": pairs(self.pipeline),
            "overdue": self.overdue,
            "overdue_by_step": pairs(self.overdue_by_step),
            "plans": [
                {
                    "organization": row.plan.organization_id,
                    "organization_name": row.plan.organization.name,
                    "year": row.plan.year,
                    "planned": {
                        "total": row.plan.total,
                        "women": row.plan.women,
                        "young": row.plan.young,
                        "college": row.plan.college,
                        "by_category": row.plan.by_category,
                    },
                    "actual": row.actual,
                }
                for row in self.plans
            ],
        }


def statistics(organization, start: date, end: date, *, today: date | None = None) -> Statistics:
    """The development figures of `organization`'s subtree for start..end (see the module's docstring)."""
    today = today or timezone.localdate()
    qs = admissions(organization, start, end)
    totals, counts = _by_dimension(qs)
    files = DevelopmentFile.objects.filter(
        subtree_q(organization.path, "organization__path"), closed_on__isnull=True
    )
    pipeline = _rows(_found(files, "stage"), engine.STAGES)
    overdue_files = files.filter(next_latest__lt=today)
    overdue_by_step = [
        (f"第{no}步「{engine.STEPS.get(no, '')}」", n)
        for no, n in overdue_files.order_by("next_step").values_list("next_step").annotate(n=Count("id"))
    ]
    plans = DevelopmentPlan.objects.filter(
        subtree_q(organization.path, "organization__path"), year__range=(start.year, end.year)
    ).select_related("organization")
    return Statistics(
        organization=organization,
        start=start,
        end=end,
        totals=totals,
        by_sex=_rows(counts["sex"], dict(Sex.choices)),
        by_band=_rows(counts["band"], {label: label for label, _, _ in AGE_BANDS}),
        by_education=_rows(counts["education"], dict(Education.choices)),
        by_category=_rows(counts["category"], dict(MemberCategory.choices)),
        by_ethnicity=[row for row in _rows(counts["ethnicity"], dict(ETHNICITY_CHOICES)) if row[1]],
        pipeline=pipeline,
        overdue=overdue_files.count(),
        overdue_by_step=overdue_by_step,
        plans=plan_progress(plans),
    )
