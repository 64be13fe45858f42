"""Writes of 考核评价. Every write is scoped (`accounts.scope.require`), atomic and audited.

- A committee defines a rubric (sections, items, rating bands) as a draft version and publishes it. A
  version used by an assessment is frozen: editing it copies it into a new draft version, and the
  finished assessment keeps the version it used.
- An assessment applies a published version to organizations below the committee for a year: the units
  assess themselves, then the named assessors score (averaged; conflicts above the threshold are
  reconciled by the committee), computed items are filled from the records in one batch (`scoring.py`),
  and finalizing sets score, rating, rank and the change of rank against the previous assessment of the
  same rubric and committee. An appeal decided 改分 changes the item's points and re-ranks.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.accounts.scope import get_scope, require
from dangjian.audit import services as audit
from dangjian.core.tree import subtree_q
from dangjian.organizations.choices import BRANCH_KINDS, OrganizationStatus
from dangjian.organizations.models import Organization

from . import scoring
from .choices import AppealDecision, AssessmentStatus, ScoreSource, ScoringMethod
from .models import (
    Appeal,
    Assessment,
    AssessmentUnit,
    ItemScore,
    RatingBand,
    Rubric,
    RubricItem,
    RubricSection,
    RubricVersion,
)

# --- rubrics -------------------------------------------------------------------------------------------


@transaction.atomic
def do_create_rubric(organization, name: str, *, acting_user, description: str = "") -> Rubric:
    """A rubric of `organization` (a committee) with an empty draft version 1."""
    require(acting_user, organization, "change")
    if not organization.is_committee:
        raise ValidationError({"organization": "考核细则须由党委（党工委、党组）制定。"})
    rubric = Rubric(organization=organization, name=name, description=description)
    rubric.full_clean()
    rubric.save()
    audit.record_create(rubric, acting_user=acting_user)
    version = RubricVersion(rubric=rubric, number=1)
    version.save()
    audit.record_create(version, acting_user=acting_user)
    return rubric


def draft_version(rubric: Rubric, *, acting_user) -> RubricVersion:
    """The version to edit: the latest when unused, otherwise a new copy of it (the used one stays)."""
    latest = rubric.latest_version()
    if not latest.frozen:
        return latest
    return do_copy_version(latest, acting_user=acting_user)


@transaction.atomic
def do_copy_version(version: RubricVersion, *, acting_user) -> RubricVersion:
    """A new unpublished version with the same sections, items and bands."""
    require(acting_user, version.organization, "change")
    copy = RubricVersion.objects.create(
        rubric=version.rubric,
        number=version.rubric.latest_version().number + 1,
        scale_name=version.scale_name,
    )
    for section in version.sections.prefetch_related("items"):
        items = list(section.items.all())
        section.pk, section.version = None, copy
        section.save()
        for item in items:
            item.pk, item.section = None, section
            item.save()
    for band in version.bands.all():
        band.pk, band.version = None, copy
        band.save()
    audit.record_create(copy, acting_user=acting_user, message=f"由第{version.number}版复制")
    return copy


def _editable(version: RubricVersion, acting_user) -> None:
    require(acting_user, version.organization, "change")
    if version.frozen:
        raise ValidationError(f"{version}已被考核使用，不能修改；请在新版本中修改。")


def in_draft(obj, *, acting_user):
    """The section or item to edit: `obj` itself, or, when its version is used by an assessment, its
    counterpart in the new draft version (matched by order, as `do_copy_version` copies in order)."""
    section = obj if isinstance(obj, RubricSection) else obj.section
    version = section.version
    if not version.frozen:
        return obj
    require(acting_user, version.organization, "change")
    latest = version.rubric.latest_version()
    if latest.pk != version.pk:
        raise ValidationError(f"{version}已被考核使用；请在最新的第{latest.number}版中修改。")
    draft = draft_version(version.rubric, acting_user=acting_user)
    index = list(version.sections.values_list("pk", flat=True)).index(section.pk)
    copied = list(draft.sections.all())[index]
    if isinstance(obj, RubricSection):
        return copied
    position = list(section.items.values_list("pk", flat=True)).index(obj.pk)
    return list(copied.items.all())[position]


def _next_position(rows) -> int:
    return (rows.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def do_add_section(version: RubricVersion, title: str, *, acting_user, position=None) -> RubricSection:
    _editable(version, acting_user)
    position = position or _next_position(version.sections)
    section = RubricSection(version=version, title=title, position=position)
    section.full_clean()
    section.save()
    audit.record_create(section, acting_user=acting_user)
    return section


@transaction.atomic
def do_change_section(section: RubricSection, *, acting_user, **fields) -> RubricSection:
    """Rename or renumber a section; a section of a used version is changed in a new version."""
    section = in_draft(section, acting_user=acting_user)
    _editable(section.version, acting_user)
    before = audit.snapshot(section)
    for name, value in fields.items():
        setattr(section, name, value)
    section.full_clean()
    section.save()
    audit.record_update(section, before, acting_user=acting_user)
    return section


@transaction.atomic
def do_remove_section(section: RubricSection, *, acting_user) -> RubricVersion:
    """Remove a section and its items from a draft (a used version keeps them: removed in a new one)."""
    section = in_draft(section, acting_user=acting_user)
    version = section.version
    _editable(version, acting_user)
    texts = "、".join(section.items.values_list("text", flat=True))
    message = f"删除考核项目“{section.title}”" + (f"及其评分细则：{texts}" if texts else "")
    # Unused draft content, never scored (a used version is frozen); the removal is audited on the version.
    section.delete()
    audit.record("update", version, acting_user=acting_user, message=message[:1000])
    return version


@transaction.atomic
def do_add_item(section: RubricSection, *, acting_user, **fields) -> RubricItem:
    """An item (text, points, method, source_key, rule, threshold, per_occurrence, floor, evidence)."""
    _editable(section.version, acting_user)
    fields.setdefault("position", _next_position(section.items))
    item = RubricItem(section=section, **fields)
    item.full_clean()
    item.save()
    audit.record_create(item, acting_user=acting_user)
    return item


@transaction.atomic
def do_change_item(item: RubricItem, *, acting_user, **fields) -> RubricItem:
    """Change an item; an item of a used version is changed in a new version (returned)."""
    item = in_draft(item, acting_user=acting_user)
    _editable(item.section.version, acting_user)
    before = audit.snapshot(item)
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    audit.record_update(item, before, acting_user=acting_user)
    return item


@transaction.atomic
def do_remove_item(item: RubricItem, *, acting_user) -> RubricVersion:
    """Remove an item from a draft (an item of a used version is removed from a new version)."""
    item = in_draft(item, acting_user=acting_user)
    version = item.section.version
    _editable(version, acting_user)
    message = f"删除评分细则“{item.text}”（{item.points}分，{item.get_method_display()}）"
    # Unused draft content, never scored (a used version is frozen); the removal is audited on the version.
    item.delete()
    audit.record("update", version, acting_user=acting_user, message=message)
    return version


@transaction.atomic
def do_set_bands(
    version: RubricVersion, bands: list[tuple[str, Decimal]], *, acting_user, scale_name=None
) -> RubricVersion:
    """Replace the rating scale: [(label, lowest score reaching it)], e.g. [("五好", 90), ("合格", 60)].
    A used version's scale is set in a new version (returned)."""
    require(acting_user, version.organization, "change")
    if version.frozen:
        version = draft_version(version.rubric, acting_user=acting_user)
    _editable(version, acting_user)
    labels = [label for label, _ in bands]
    if len(set(labels)) != len(labels):
        raise ValidationError({"bands": "评定等次名称不能重复。"})
    if scale_name is not None and scale_name != version.scale_name:
        before = audit.snapshot(version)
        version.scale_name = scale_name
        version.full_clean()
        version.save(update_fields=["scale_name", "updated_at"])
        audit.record_update(version, before, acting_user=acting_user)
    version.bands.all().delete()  # a draft's scale: replaced whole, audited below
    for label, min_score in bands:
        band = RatingBand(version=version, label=label, min_score=Decimal(min_score))
        band.full_clean()
        band.save()
    audit.record(
        "update",
        version,
        acting_user=acting_user,
        message="评定等次：" + "，".join(f"{label}≥{score}" for label, score in bands),
    )
    return version


@transaction.atomic
def do_publish_version(version: RubricVersion, *, acting_user) -> RubricVersion:
    require(acting_user, version.organization, "change")
    if version.published_at:
        raise ValidationError(f"{version}已发布。")
    if not version.items().exists():
        raise ValidationError("请先添加评分细则再发布。")
    if not version.bands.exists():
        raise ValidationError("请先设置评定等次再发布。")
    for item in version.items():
        item.full_clean()  # re-checked: e.g. a source removed since
    before = audit.snapshot(version)
    version.published_at = timezone.now()
    version.save(update_fields=["published_at", "updated_at"])
    audit.record_update(version, before, acting_user=acting_user, action="publish")
    return version


# --- assessments ---------------------------------------------------------------------------------------


def branches_below(organization) -> list[Organization]:
    """The active branches of the subtree (the usual assessed units of a 五好党支部 rubric)."""
    return list(
        Organization.objects.filter(subtree_q(organization.path))
        .filter(kind__in=BRANCH_KINDS, status=OrganizationStatus.ACTIVE)
        .order_by("path")
    )


@transaction.atomic
def do_create_assessment(
    version: RubricVersion, *, name: str, year: int, organizations, acting_user, assessors=(), **settings
) -> Assessment:
    """An assessment by the rubric's committee; `organizations` must lie below it."""
    committee = version.organization
    require(acting_user, committee, "change")
    if not version.published_at:
        raise ValidationError({"version": f"{version}尚未发布。"})
    organizations = list(organizations)
    if not organizations:
        raise ValidationError({"organizations": "请选择被考核的党组织。"})
    outside = [
        org.name for org in organizations if not org.path.startswith(committee.path) or org == committee
    ]
    if outside:
        raise ValidationError(
            {"organizations": f"不在{committee.name}下级的党组织不能被考核：{'、'.join(outside[:5])}"}
        )
    assessment = Assessment(organization=committee, version=version, name=name, year=year, **settings)
    assessment.full_clean()
    assessment.save()
    units = [AssessmentUnit(assessment=assessment, organization=org) for org in organizations]
    # The units are part of the assessment: its create event (next) names their count.
    AssessmentUnit.objects.bulk_create(units, batch_size=1000)  # audit-exempt: see above
    audit.record_create(assessment, acting_user=acting_user, message=f"被考核单位{len(units)}个")
    if assessors:
        do_set_assessors(assessment, assessors, acting_user=acting_user)
    return assessment


@transaction.atomic
def do_set_assessors(assessment: Assessment, users, *, acting_user) -> None:
    """Name the assessors (the whole list, replacing the previous one) until the results are published;
    each needs view access to every assessed unit.

    A removed assessor's scores stay recorded (nothing is deleted; each score kept its own audit event)
    but no longer count: results average the scores of the assessors named now (`ItemScore.objects
    .counted`), so a conflict that came from a removed assessor goes with them, and naming them again
    counts their scores again. Reconciled and appeal points and computed items do not depend on the
    list. Once published the list is fixed: the published scores, ratings and ranks were computed from it.
    """
    require(acting_user, assessment.organization, "change")
    if assessment.status == AssessmentStatus.PUBLISHED:
        raise ValidationError({"assessors": f"考核“{assessment.name}”已公布结果，评分人不能再更改。"})
    users = list(dict.fromkeys(users))
    paths = list(assessment.units.values_list("organization__path", flat=True))
    blind = [
        user.get_username() for user in users if not all(get_scope(user).covers(p, "view") for p in paths)
    ]
    if blind:
        raise ValidationError({"assessors": f"评分人须能查看全部被考核单位：{'、'.join(blind)}"})
    before = set(assessment.assessors.all())
    if before == set(users):
        return
    assessment.assessors.set(users)
    names = "、".join(user.get_username() for user in users) or "未指定"
    message = f"评分人：{names}"
    added = [user.get_username() for user in users if user not in before]
    removed = sorted(user.get_username() for user in before - set(users))
    if before and added:
        message += f"；新增：{'、'.join(added)}"
    if removed:
        message += f"；移除：{'、'.join(removed)}（已打的分数保留，不再计入）"
    audit.record("update", assessment, acting_user=acting_user, message=message)


def _status(assessment: Assessment, *allowed) -> None:
    if assessment.status not in allowed:
        raise ValidationError(f"考核“{assessment.name}”{assessment.get_status_display()}，不能执行此操作。")


def _item_of(unit: AssessmentUnit, item: RubricItem) -> None:
    if item.section.version_id != unit.assessment.version_id:
        raise ValidationError({"item": "该细则不属于本次考核所用版本。"})


def _put(unit, item, source, points, *, acting_user, assessor=None, value=None, comment="") -> ItemScore:
    """Create or change one score row, audited."""
    row = ItemScore.objects.filter(unit=unit, item=item, source=source, assessor=assessor).first()
    before = audit.snapshot(row) if row else None
    row = row or ItemScore(unit=unit, item=item, source=source, assessor=assessor)
    row.points, row.value, row.comment = points, value, comment
    if points is not None and not (Decimal("0") <= points <= item.points):
        raise ValidationError({"points": f"“{item.text[:20]}”的得分须在0到{item.points}之间。"})
    row.full_clean()
    row.save()
    if before is None:
        audit.record_create(row, acting_user=acting_user)
    else:
        audit.record_update(row, before, acting_user=acting_user)
    return row


@transaction.atomic
def do_self_assess(unit: AssessmentUnit, item: RubricItem, points, *, acting_user, comment="") -> ItemScore:
    """The unit's own score of an item (自评)."""
    require(acting_user, unit.organization, "change")
    _status(unit.assessment, AssessmentStatus.SELF_ASSESSMENT)
    _item_of(unit, item)
    row = _put(unit, item, ScoreSource.SELF, Decimal(points), acting_user=acting_user, comment=comment)
    own = ItemScore.objects.filter(unit=unit, source=ScoreSource.SELF).values_list("points", flat=True)
    unit.self_score = sum(own, Decimal("0"))
    unit.self_submitted_at = timezone.now()
    unit.save(update_fields=["self_score", "self_submitted_at", "updated_at"])
    return row


@transaction.atomic
def do_start_scoring(assessment: Assessment, *, acting_user) -> int:
    """Close self-assessment, fill the computed items from the records; returns the rows written."""
    require(acting_user, assessment.organization, "change")
    _status(assessment, AssessmentStatus.SELF_ASSESSMENT, AssessmentStatus.SCORING)
    before = audit.snapshot(assessment)
    assessment.status = AssessmentStatus.SCORING
    assessment.save(update_fields=["status", "updated_at"])
    audit.record_update(assessment, before, acting_user=acting_user, action="start_scoring")
    return do_fill_computed(assessment, acting_user=acting_user)


@transaction.atomic
def do_fill_computed(assessment: Assessment, *, acting_user) -> int:
    """(Re)compute every computed item of every unit: one source call each (`scoring.computed_rows`)."""
    require(acting_user, assessment.organization, "change")
    _status(assessment, AssessmentStatus.SCORING)
    units = list(assessment.units.select_related("organization"))
    items = [item for item in assessment.version.items() if item.method == ScoringMethod.COMPUTED]
    rows = scoring.computed_rows(assessment, items, units)
    # Computed rows are derived from the records and replaced on each fill (itself audited below).
    computed = ItemScore.objects.filter(unit__assessment=assessment, source=ScoreSource.COMPUTED)
    computed.delete()  # audit-exempt: derived rows, recomputed; the refill is audited
    audit.bulk_create_audited(ItemScore, rows, acting_user=acting_user, message="按记录计算")
    return len(rows)


def may_score(user, assessment: Assessment) -> bool:
    return assessment.assessors.filter(pk=user.pk).exists() if user is not None else True


@transaction.atomic
def do_score_item(
    unit: AssessmentUnit, item: RubricItem, *, acting_user, points=None, occurrences=None, comment=""
):
    """An assessor's score: points (评分) or a number of occurrences (按次扣分, points derived)."""
    assessment = unit.assessment
    _status(assessment, AssessmentStatus.SCORING)
    _item_of(unit, item)
    if not may_score(acting_user, assessment):
        raise PermissionDenied("您不是本次考核的评分人。")
    if item.method == ScoringMethod.COMPUTED:
        raise ValidationError({"item": "按记录计算的细则由系统计算，不能手工评分。"})
    value = None
    if item.method == ScoringMethod.DEDUCTION:
        if occurrences is None:
            raise ValidationError({"occurrences": "请填写扣分次数。"})
        value = Decimal(occurrences)
        points = scoring.deduct(item, value)
    elif points is None:
        raise ValidationError({"points": "请填写得分。"})
    return _put(
        unit,
        item,
        ScoreSource.ASSESSOR,
        Decimal(points),
        acting_user=acting_user,
        assessor=acting_user,
        value=value,
        comment=comment,
    )


def conflicts(assessment: Assessment) -> list[tuple[AssessmentUnit, RubricItem]]:
    """(unit, item) pairs whose assessors differ by more than the threshold, not yet reconciled."""
    units = {unit.pk: unit for unit in assessment.units.select_related("organization")}
    items = {item.pk: item for item in assessment.version.items()}
    found = scoring.results(assessment, units.values(), items.values())
    return [(units[pk], items[item_id]) for pk, result in found.items() for item_id in result.conflicts]


@transaction.atomic
def do_reconcile(unit: AssessmentUnit, item: RubricItem, points, *, acting_user, comment="") -> ItemScore:
    """The committee's reconciled points where assessors differ."""
    require(acting_user, unit.assessment.organization, "change")
    _status(unit.assessment, AssessmentStatus.SCORING)
    _item_of(unit, item)
    return _put(unit, item, ScoreSource.RECONCILED, Decimal(points), acting_user=acting_user, comment=comment)


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The latest published assessment of the same rubric and committee before this one's year."""
    return (
        Assessment.objects.filter(
            organization=assessment.organization,
            version__rubric=assessment.version.rubric,
            status=AssessmentStatus.PUBLISHED,
            year__lt=assessment.year,
        )
        .order_by("-year", "-pk")
        .first()
    )


@transaction.atomic
def do_finalize(assessment: Assessment, *, acting_user) -> Assessment:
    """Final score, rating and rank of every unit (refused while conflicts or unscored items remain)."""
    require(acting_user, assessment.organization, "change")
    _status(assessment, AssessmentStatus.SCORING)
    open_conflicts = conflicts(assessment)
    if open_conflicts:
        unit, item = open_conflicts[0]
        raise ValidationError(
            f"尚有{len(open_conflicts)}处评分分歧未复核认定，如{unit.organization.name}“{item.text[:20]}”。"
        )
    assessment.previous = previous_assessment(assessment)
    _rank(assessment, acting_user=acting_user, refuse_missing=True)
    before = audit.snapshot(assessment)
    assessment.status = AssessmentStatus.PUBLISHED
    assessment.published_at = timezone.now()
    assessment.save()
    audit.record_update(assessment, before, acting_user=acting_user, action="publish")
    return assessment


def _rank(assessment: Assessment, *, acting_user, refuse_missing=False) -> None:
    units = list(assessment.units.select_related("organization"))
    found = scoring.results(assessment, units)
    if refuse_missing:
        missing = [unit for unit in units if found[unit.pk].missing]
        if missing:
            raise ValidationError(
                f"尚有{len(missing)}个单位有细则未评分，如{missing[0].organization.name}（{len(found[missing[0].pk].missing)}项）。"
            )
    totals = {unit.pk: found[unit.pk].total for unit in units}
    ranks = scoring.ranks(totals)
    previous = {}
    if assessment.previous_id:
        previous = dict(assessment.previous.units.values_list("organization_id", "rank"))
    befores = {unit.pk: audit.snapshot(unit) for unit in units}
    for unit in units:
        unit.final_score = totals[unit.pk]
        unit.rating = assessment.version.rating_for(unit.final_score)
        unit.rank = ranks[unit.pk]
        unit.previous_rank = previous.get(unit.organization_id)
    audit.bulk_update_audited(
        units,
        ["final_score", "rating", "rank", "previous_rank"],
        befores,
        acting_user=acting_user,
        message="考核结果",
    )


# --- appeals -------------------------------------------------------------------------------------------


@transaction.atomic
def do_file_appeal(unit: AssessmentUnit, item: RubricItem, reason: str, *, acting_user) -> Appeal:
    """申诉 by the assessed unit against one item's points of a published assessment."""
    require(acting_user, unit.organization, "change")
    _status(unit.assessment, AssessmentStatus.PUBLISHED)
    _item_of(unit, item)
    if unit.appeals.filter(item=item, decision="").exists():
        raise ValidationError({"item": "该细则已有待处理的申诉。"})
    appeal = Appeal(unit=unit, item=item, reason=reason, filed_by=acting_user)
    appeal.old_points = scoring.results(unit.assessment, [unit])[unit.pk].items.get(item.pk)
    appeal.full_clean()
    appeal.save()
    audit.record_create(appeal, acting_user=acting_user)
    return appeal


@transaction.atomic
def do_decide_appeal(appeal: Appeal, decision: str, *, acting_user, new_points=None, note="") -> Appeal:
    """维持 or 改分 (the item's points change and every unit is re-ranked)."""
    assessment = appeal.unit.assessment
    require(acting_user, assessment.organization, "change")
    if not appeal.pending:
        raise ValidationError("该申诉已处理。")
    if decision not in AppealDecision.values:
        raise ValidationError({"decision": "请选择处理结果。"})
    before = audit.snapshot(appeal)
    appeal.decision, appeal.decision_note = decision, note
    appeal.decided_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    appeal.decided_at = timezone.now()
    if decision == AppealDecision.CHANGED:
        if new_points is None:
            raise ValidationError({"new_points": "改分须填写改定得分。"})
        appeal.new_points = Decimal(new_points)
        _put(
            appeal.unit,
            appeal.item,
            ScoreSource.APPEAL,
            appeal.new_points,
            acting_user=acting_user,
            comment=note,
        )
    appeal.full_clean()
    appeal.save()
    audit.record_update(appeal, before, acting_user=acting_user, action="decide")
    if decision == AppealDecision.CHANGED:
        _rank(assessment, acting_user=acting_user)
    return appeal
