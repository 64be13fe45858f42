"""Writes of 目标责任. Every write is scoped (`accounts.scope.require`), atomic and audited.

- A target is created as a draft by (or for) the organization that issues it, gets its indicators, and is
  issued (下达); an issued target is decomposed (逐级分解) to child organizations or to members, each copy
  linked to its parent target and each indicator to its parent indicator, in one transaction with bulk
  writes.
- The responsible side signs (责任书/承诺书): an uploaded signed scan, or an electronic confirmation by
  the responsible person (see `may_confirm`).
- Actual values are entered (who and when kept) or computed from the records (`sources.py`).
- The issuing organization evaluates at year end (`score_indicator` is the scoring rule); a finalized
  evaluation keeps the figures it used.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.scope import get_scope, require
from dangjian.audit import services as audit
from dangjian.core.tree import STEPLEN, subtree_q
from dangjian.core.uploads import UploadRejected
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member
from dangjian.organizations.choices import OrganizationKind
from dangjian.organizations.models import Organization

from .choices import (
    ADDITIVE_UNITS,
    GRADE_THRESHOLDS,
    CommitmentMethod,
    Comparison,
    Grade,
    Scoring,
    SourceKind,
    TargetStatus,
)
from .models import Commitment, Evaluation, Indicator, Score, Target, reached
from .sources import SOURCES
from .uploads import inspect_signed_file

PLACES = Decimal("0.01")
TARGET_FIELDS = ("title", "content", "responsible_member")
INDICATOR_FIELDS = (
    *("name", "unit", "comparison", "target_value", "points", "scoring", "rollup", "source_kind"),
    *("source_key", "position"),
)
SPLITS = {"same": "各下级目标值相同", "even": "总量平均分配", "members": "按党员人数分配"}


def _refuse_closed(target: Target) -> None:
    if not target.is_open:
        raise ValidationError(f"目标“{target.title}”{target.get_status_display()}，不能再修改。")


# --- targets and indicators -------------------------------------------------------------------------


@transaction.atomic
def do_create_target(
    *,
    acting_user,
    organization,
    year: int,
    title: str,
    issued_by=None,
    content: str = "",
    responsible_member=None,
) -> Target:
    """A draft target of `organization` (issued by itself or an organization above it)."""
    issued_by = issued_by or organization
    require(acting_user, issued_by)
    require(acting_user, organization)
    target = Target(
        organization=organization,
        issued_by=issued_by,
        year=year,
        title=(title or "").strip(),
        content=(content or "").strip(),
        responsible_member=responsible_member,
    )
    target.full_clean()
    target.save()
    audit.record_create(target, acting_user=acting_user)
    return target


@transaction.atomic
def do_change_target(target: Target, *, acting_user, **fields) -> Target:
    """The issuing level changes what it issued (the responsible side enters figures and signs)."""
    require(acting_user, target.issued_by)
    target = Target.objects.select_for_update().get(pk=target.pk)
    _refuse_closed(target)
    before = audit.snapshot(target)
    for name, value in fields.items():
        if name not in TARGET_FIELDS:
            raise ValueError(name)
        setattr(target, name, value.strip() if isinstance(value, str) else value)
    target.full_clean()
    target.save()
    audit.record_update(target, before, acting_user=acting_user)
    return target


@transaction.atomic
def do_add_indicator(target: Target, *, acting_user, parent=None, **fields) -> Indicator:
    """An indicator set by the issuing level."""
    require(acting_user, target.issued_by)
    _refuse_closed(target)
    if "position" not in fields:
        fields["position"] = target.indicators.count() + 1
    indicator = Indicator(target=target, parent=parent, **fields)
    indicator.full_clean()
    indicator.save()
    audit.record_create(indicator, acting_user=acting_user)
    return indicator


@transaction.atomic
def do_change_indicator(indicator: Indicator, *, acting_user, **fields) -> Indicator:
    require(acting_user, indicator.target.issued_by)
    _refuse_closed(indicator.target)
    before = audit.snapshot(indicator)
    for name, value in fields.items():
        if name not in INDICATOR_FIELDS:
            raise ValueError(name)
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    audit.record_update(indicator, before, acting_user=acting_user)
    return indicator


@transaction.atomic
def do_issue_target(target: Target, *, acting_user, issued_on=None) -> Target:
    """下达: a draft with at least one indicator becomes issued."""
    require(acting_user, target.issued_by)
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.status != TargetStatus.DRAFT:
        raise ValidationError(f"目标已{target.get_status_display()}，不能再次下达。")
    if not target.indicators.exists():
        raise ValidationError("请先添加至少一项指标再下达。")
    before = audit.snapshot(target)
    target.status = TargetStatus.ISSUED
    target.issued_on = issued_on or timezone.localdate()
    target.save(update_fields=["status", "issued_on", "updated_at"])
    audit.record_update(target, before, acting_user=acting_user, message="下达")
    return target


@transaction.atomic
def do_withdraw_target(target: Target, *, acting_user, reason: str) -> list[Target]:
    """撤回 a target and every target decomposed from it (kept, not deleted); returns them all."""
    require(acting_user, target.issued_by)
    if not (reason or "").strip():
        raise ValidationError({"reason": "撤回目标须注明原因。"})
    if target.status in (TargetStatus.WITHDRAWN, TargetStatus.EVALUATED):
        raise ValidationError(f"目标已{target.get_status_display()}，不能撤回。")
    found, level = [], [target.pk]
    while level:
        rows = list(Target.objects.select_for_update().filter(pk__in=level).current())
        found += rows
        level = list(Target.objects.filter(parent__in=level).current().values_list("pk", flat=True))
    befores = {row.pk: audit.snapshot(row) for row in found}
    now = timezone.now()
    for row in found:
        row.status, row.withdrawn_at, row.withdrawn_reason = TargetStatus.WITHDRAWN, now, reason.strip()[:200]
    audit.bulk_update_audited(
        found,
        ["status", "withdrawn_at", "withdrawn_reason"],
        befores,
        acting_user=acting_user,
        message="撤回",
    )
    return found


# --- decomposition ----------------------------------------------------------------------------------


def default_children(target: Target) -> list[Organization]:
    """The direct children a target is decomposed to by default (党小组 excepted), in tree order."""
    return list(
        Organization.objects.children_of(target.organization)
        .active()
        .exclude(kind=OrganizationKind.PARTY_GROUP)
        .order_by("path")
    )


def member_counts(parent: Organization, organizations) -> dict[int, int]:
    """Active members in each organization's subtree, from one grouped query over the parent's subtree."""
    counts = defaultdict(int)
    rows = (
        Member.objects.active()
        .filter(subtree_q(parent.path, "organization__path"))
        .order_by()
        .values_list("organization__path")
    )
    paths = {org.path: org.pk for org in organizations}
    for (path,) in rows:
        for length in range(len(parent.path) + STEPLEN, len(path) + 1, STEPLEN):
            if path[:length] in paths:
                counts[paths[path[:length]]] += 1
    return counts


def split_values(indicator: Indicator, recipients: list, how: str, counts: dict) -> list[Decimal]:
    """Each recipient's target value: the same as the parent's, or the total split evenly or by members
    (additive units only; the remainder of the rounding goes to the last recipient so they add up)."""
    if how == "same" or not recipients:
        return [indicator.target_value] * len(recipients)
    if indicator.unit not in ADDITIVE_UNITS:
        raise ValidationError(
            {"split": f"指标“{indicator.name}”的单位是“{indicator.unit}”，比率类指标不能分配总量。"}
        )
    if how == "even":
        weights = [Decimal(1)] * len(recipients)
    else:
        weights = [Decimal(counts.get(key, 0)) for key in recipients]
        if not sum(weights):
            raise ValidationError({"split": "下级没有在册党员，不能按党员人数分配。"})
    total_weight = sum(weights)
    values = [
        (indicator.target_value * w / total_weight).quantize(PLACES, rounding=ROUND_HALF_UP) for w in weights
    ]
    values[-1] += indicator.target_value - sum(values)
    return values


@transaction.atomic
def do_decompose_target(
    target: Target,
    *,
    acting_user,
    organizations=None,
    members=(),
    split: dict | None = None,
    values: dict | None = None,
    issued_on=None,
) -> list[Target]:
    """逐级分解: a copy of `target` and its indicators for each organization (default: every direct
    child) and each member (a target for a person: 书记、党员教师), linked to the parent target and
    indicators, issued at once. `split` = {indicator id: "same"|"even"|"members"} (default "same");
    `values` = {(indicator id, organization id or ("member", member id)): value} overrides a value.
    Refused for any organization outside the target's subtree or already holding a copy."""
    require(acting_user, target.organization)
    target = Target.objects.select_for_update(of=("self",)).select_related("organization").get(pk=target.pk)
    if target.status not in (TargetStatus.ISSUED, TargetStatus.SIGNED):
        raise ValidationError("只有已下达的目标才能分解。")
    organizations = (
        default_children(target) if organizations is None and not members else list(organizations or [])
    )
    organizations = list({org.pk: org for org in organizations}.values())  # each once
    members = list({member.pk: member for member in members}.values())
    root = target.organization
    for org in organizations:
        if org.path == root.path or not org.path.startswith(root.path):
            raise ValidationError({"organizations": f"“{org.name}”不在“{root.name}”的下级范围内，不能分解。"})
        require(acting_user, org)
    for member in members:
        if not member.organization.path.startswith(root.path) or member.status not in ACTIVE_STATUSES:
            raise ValidationError({"members": f"“{member.name}”不是“{root.name}”的党员，不能分解。"})
        require(acting_user, member.organization)
    if not organizations and not members:
        raise ValidationError("请选择要分解到的下级党组织或党员。")
    existing = Target.objects.current().filter(parent=target)
    taken = set(existing.filter(responsible_member__isnull=True).values_list("organization_id", flat=True))
    taken_members = set(existing.values_list("responsible_member_id", flat=True))
    for org in organizations:
        if org.pk in taken:
            raise ValidationError({"organizations": f"“{org.name}”已有由此目标分解的目标。"})
    for member in members:
        if member.pk in taken_members:
            raise ValidationError({"members": f"“{member.name}”已有由此目标分解的目标。"})

    recipients = [org.pk for org in organizations] + [("member", m.pk) for m in members]
    issued_on = issued_on or timezone.localdate()
    children = [
        Target(
            organization=org,
            issued_by=root,
            year=target.year,
            title=target.title,
            content=target.content,
            parent=target,
            status=TargetStatus.ISSUED,
            issued_on=issued_on,
        )
        for org in organizations
    ] + [
        Target(
            organization=member.organization,
            issued_by=root,
            year=target.year,
            title=target.title,
            content=target.content,
            parent=target,
            responsible_member=member,
            status=TargetStatus.ISSUED,
            issued_on=issued_on,
        )
        for member in members
    ]
    for child in children:
        child.clean_fields()
        child.clean()
    children = audit.bulk_create_audited(Target, children, acting_user=acting_user, message="逐级分解")

    indicators = list(target.indicators.all())
    split, values = split or {}, values or {}
    counts = {}
    if "members" in split.values():
        by_org = member_counts(root, organizations)
        counts = {org.pk: by_org.get(org.pk, 0) for org in organizations}
        counts.update({("member", m.pk): 1 for m in members})
    copies = []
    for indicator in indicators:
        how = split.get(indicator.pk, "same")
        if how not in SPLITS:
            raise ValidationError({"split": f"未知的分配方式：{how}"})
        shares = split_values(indicator, recipients, how, counts)
        for child, key, share in zip(children, recipients, shares, strict=True):
            value = values.get((indicator.pk, key), share)
            copies.append(
                Indicator(
                    target=child,
                    parent=indicator,
                    **{name: getattr(indicator, name) for name in INDICATOR_FIELDS if name != "target_value"},
                    target_value=Decimal(value),
                )
            )
    for copy in copies:
        copy.clean_fields(exclude=["target", "parent"])
    audit.bulk_create_audited(Indicator, copies, acting_user=acting_user, message="逐级分解")
    return children


# --- commitments ------------------------------------------------------------------------------------


def may_confirm(user, target: Target) -> bool:
    """Who confirms a commitment electronically: for a person's target, that member's own login; for an
    organization's target, a user whose change grant is held on that organization itself — its own
    administrators, not the issuing level above (which receives the signed paper and may upload it)."""
    if user is None:
        return True
    if target.responsible_member_id:
        return target.responsible_member.user_id == user.pk
    return any(path == target.organization.path for path, _ in get_scope(user).paths.get("change", []))


def _signable(target: Target) -> None:
    if target.status not in (TargetStatus.ISSUED, TargetStatus.SIGNED):
        raise ValidationError(f"目标{target.get_status_display()}，不能签订责任书。")


def _mark_signed(target: Target, acting_user) -> None:
    if target.status == TargetStatus.ISSUED:
        before = audit.snapshot(target)
        target.status = TargetStatus.SIGNED
        target.save(update_fields=["status", "updated_at"])
        audit.record_update(target, before, acting_user=acting_user, message="签订责任书")


def _check_kind(target: Target, kind: str) -> None:
    if Commitment.objects.filter(target=target, kind=kind).exists():
        raise ValidationError({"kind": "该目标的此类责任书已签订。"})


@transaction.atomic
def do_sign_commitment(target: Target, *, acting_user, kind: str, statement: str = "") -> Commitment:
    """电子确认 by the responsible person (see `may_confirm`), with the time."""
    target = (
        Target.objects.select_for_update(of=("self",))
        .select_related("organization", "responsible_member")
        .get(pk=target.pk)
    )
    if not may_confirm(acting_user, target):
        who = (
            f"责任人{target.responsible_member.name}本人"
            if target.responsible_member_id
            else (f"{target.organization.name}的管理员")
        )
        raise PermissionDenied(f"电子确认须由{who}进行。")
    _signable(target)
    _check_kind(target, kind)
    commitment = Commitment(
        target=target,
        kind=kind,
        method=CommitmentMethod.CONFIRM,
        signed_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        signed_at=timezone.now(),
        statement=(statement or "").strip()
        or f"本人已阅读并确认{target.year}年度《{target.title}》的全部指标。",
    )
    commitment.full_clean()
    commitment.save()
    audit.record_create(commitment, acting_user=acting_user, message="电子确认")
    _mark_signed(target, acting_user)
    return commitment


@transaction.atomic
def do_upload_commitment(target: Target, *, acting_user, kind: str, upload) -> Commitment:
    """The signed scan (PDF/JPG/PNG), checked by its own first bytes; stored under a random name."""
    require(acting_user, target.organization)
    target = Target.objects.select_for_update().get(pk=target.pk)
    _signable(target)
    _check_kind(target, kind)
    try:
        found = inspect_signed_file(upload)
    except UploadRejected as error:
        raise ValidationError({"file": str(error)}) from error
    commitment = Commitment(
        target=target,
        kind=kind,
        method=CommitmentMethod.UPLOAD,
        original_name=found.original_name,
        content_type=found.content_type,
        size=found.size,
        sha256=found.sha256,
        signed_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        signed_at=timezone.now(),
    )
    commitment.file.save("upload", File(upload), save=False)
    commitment.full_clean()
    commitment.save()
    audit.record_create(commitment, acting_user=acting_user, message="上传签字责任书")
    _mark_signed(target, acting_user)
    return commitment


# --- actual values ----------------------------------------------------------------------------------


@transaction.atomic
def do_enter_actual(indicator: Indicator, *, acting_user, value, note: str = "") -> Indicator:
    """填报 the actual value of an entered indicator (who and when are kept)."""
    require(acting_user, indicator.target.organization)
    indicator = (
        Indicator.objects.select_for_update(of=("self",)).select_related("target").get(pk=indicator.pk)
    )
    _refuse_closed(indicator.target)
    if indicator.target.status == TargetStatus.DRAFT:
        raise ValidationError("目标尚未下达，不能填报实际值。")
    if indicator.is_computed:
        raise ValidationError(f"“{indicator.name}”由系统从记录计算，不需要填报。")
    if value is None or Decimal(value) < 0:
        raise ValidationError({"value": f"请填写“{indicator.name}”的实际值（不小于0）。"})
    before = audit.snapshot(indicator)
    indicator.actual_value = Decimal(value)
    indicator.actual_note = (note or "").strip()
    indicator.actual_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    indicator.actual_at = timezone.now()
    indicator.full_clean()
    indicator.save()
    audit.record_update(indicator, before, acting_user=acting_user, message="填报实际值")
    return indicator


@transaction.atomic
def do_refresh_computed(targets, *, acting_user) -> int:
    """Recompute the computed indicators of `targets` (open ones) from the records: each source once per
    year for all their organizations (its batch form when it has one); returns how many changed."""
    targets = [t for t in targets if t.is_open]
    for target in targets:
        require(acting_user, target.organization)
    rows = list(
        Indicator.objects.filter(target__in=targets, source_kind=SourceKind.COMPUTED).select_related(
            "target__organization"
        )
    )
    wanted = defaultdict(dict)  # (source, year) -> {org id: organization}
    for row in rows:
        wanted[(row.source_key, row.target.year)][row.target.organization_id] = row.target.organization
    found = {}
    for (key, year), orgs in wanted.items():
        source = SOURCES.get(key)
        if source is not None:
            found[(key, year)] = source.values(list(orgs.values()), year)
    now, changed, befores = timezone.now(), [], {}
    for row in rows:
        values = found.get((row.source_key, row.target.year))
        if values is None:
            continue
        value = values.get(row.target.organization_id)
        if value != row.actual_value or row.actual_at is None:
            befores[row.pk] = audit.snapshot(row)
            row.actual_value, row.actual_at, row.actual_by = value, now, None
            changed.append(row)
    audit.bulk_update_audited(
        changed,
        ["actual_value", "actual_at", "actual_by"],
        befores,
        acting_user=acting_user,
        message="从记录计算",
    )
    return len(changed)


# --- evaluation -------------------------------------------------------------------------------------


def score_indicator(indicator_or_score, actual) -> Decimal:
    """The scoring rule (docs/models/targets/evaluation.md): reached → full points; not reached → 0 for
    "未达到不得分" and "=", else in proportion: ≥ scores actual ÷ target, ≤ scores target ÷ actual;
    no actual value → 0."""
    points, target_value = indicator_or_score.points, indicator_or_score.target_value
    comparison = indicator_or_score.comparison
    result = reached(actual, target_value, comparison)
    if result is None:
        return Decimal("0.00")
    if result:
        return points
    if indicator_or_score.scoring == Scoring.ALL_OR_NOTHING or comparison == Comparison.EQUAL:
        return Decimal("0.00")
    if comparison == Comparison.AT_LEAST:
        share = actual / target_value if target_value > 0 else Decimal(0)
    else:
        share = target_value / actual if actual > 0 else Decimal(0)
    share = max(Decimal(0), min(Decimal(1), share))
    return (points * share).quantize(PLACES, rounding=ROUND_HALF_UP)


def grade_for(total: Decimal, full: Decimal) -> str:
    share = total * 100 / full if full else Decimal(0)
    return next((grade for floor, grade in GRADE_THRESHOLDS if share >= floor), Grade.FAIL)


@transaction.atomic
def do_evaluate_target(
    target: Target,
    *,
    acting_user,
    evaluated_on,
    comment: str = "",
    overrides: dict | None = None,
    finalize: bool = True,
    refresh: bool = True,
) -> Evaluation:
    """年终考评 by the issuing organization: computed figures refreshed, each indicator scored by the rule,
    `overrides` = {indicator id: (score, reason)} applied (a reason is required), the total and grade.
    Finalized, the target is 已考评 and the evaluation keeps the figures it used; a draft may be redone."""
    require(acting_user, target.issued_by)
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.status not in (TargetStatus.ISSUED, TargetStatus.SIGNED):
        raise ValidationError(f"目标{target.get_status_display()}，不能考评。")
    evaluation = Evaluation.objects.filter(target=target).first()
    if evaluation is not None and evaluation.finalized:
        raise ValidationError("该目标的考评已定稿。")
    if refresh:
        do_refresh_computed([target], acting_user=acting_user)
    indicators = list(target.indicators.order_by("position", "id"))
    if not indicators:
        raise ValidationError("目标没有指标，无法考评。")
    overrides = overrides or {}
    before = audit.snapshot(evaluation) if evaluation else None
    evaluation = evaluation or Evaluation(target=target)
    evaluation.evaluator = acting_user if getattr(acting_user, "is_authenticated", False) else None
    evaluation.evaluated_on = evaluated_on
    evaluation.comment = (comment or "").strip()
    evaluation.finalized = finalize
    existing = {score.indicator_id: score for score in evaluation.scores.all()} if evaluation.pk else {}
    scores = []
    for indicator in indicators:
        score = existing.get(indicator.pk) or Score(indicator=indicator)
        score.name, score.unit, score.comparison = indicator.name, indicator.unit, indicator.comparison
        score.target_value, score.points = indicator.target_value, indicator.points
        score.actual_value = indicator.actual_value
        score.reached = bool(indicator.reached)
        score.rule_score = score_indicator(indicator, indicator.actual_value)
        score.score, score.override_reason = score.rule_score, ""
        if indicator.pk in overrides:
            value, reason = overrides[indicator.pk]
            if value is not None and Decimal(value) != score.rule_score:
                if not (reason or "").strip():
                    raise ValidationError({"overrides": f"调整“{indicator.name}”的得分须注明理由。"})
                score.score, score.override_reason = Decimal(value), reason.strip()[:200]
        scores.append(score)
    evaluation.full_score = sum((s.points for s in scores), Decimal(0))
    evaluation.total_score = sum((s.score for s in scores), Decimal(0))
    evaluation.grade = grade_for(evaluation.total_score, evaluation.full_score)
    evaluation.full_clean()
    evaluation.save()
    for score in scores:
        score.evaluation = evaluation
        score.full_clean()
        score.save()
    if before is None:
        audit.record_create(evaluation, acting_user=acting_user, message="年终考评")
    else:
        audit.record_update(evaluation, before, acting_user=acting_user, message="重新考评")
    if finalize:
        before_target = audit.snapshot(target)
        target.status = TargetStatus.EVALUATED
        target.save(update_fields=["status", "updated_at"])
        audit.record_update(target, before_target, acting_user=acting_user, message="考评定稿")
    return evaluation


@transaction.atomic
def do_evaluate_children(target: Target, *, acting_user, evaluated_on, comment: str = "") -> list[Evaluation]:
    """年终考评 of every target decomposed from `target` not yet evaluated, by the rule (no overrides), as
    finalized evaluations: their computed figures are refreshed together first (one batch per source),
    then each is scored. A child's evaluation that needs an override is done on its own page instead."""
    require(acting_user, target.organization)
    children = list(
        Target.objects.filter(parent=target, status__in=[TargetStatus.ISSUED, TargetStatus.SIGNED])
        .exclude(evaluation__finalized=True)
        .select_related("organization", "issued_by")
    )
    if not children:
        raise ValidationError("没有待考评的下级目标。")
    do_refresh_computed(children, acting_user=acting_user)
    return [
        do_evaluate_target(
            child, acting_user=acting_user, evaluated_on=evaluated_on, comment=comment, refresh=False
        )
        for child in children
    ]
