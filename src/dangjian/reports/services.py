"""Writes of 汇报材料: templates (committees), drafts from templates, hand edits and figure refreshes.

`acting_user=None` is the command line (`dangjian report`), a system process that is not scoped.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.scope import require
from dangjian.audit.services import (
    bulk_create_audited,
    bulk_update_audited,
    record_create,
    record_update,
    snapshot,
)
from dangjian.core.figures import Period, get_figure

from .choices import FigureStyle
from .models import FigureUse, ReportDraft, ReportTemplate
from .rendering import TOKEN_RE, Renderer, check_syntax, format_value, tidy, value_text

TEMPLATE_FIELDS = ("name", "kind", "title", "body", "description", "is_active")
DRAFT_FIELDS = ("title", "body", "issuer", "issued_on", "status")


def _check_template_owner(organization, acting_user) -> None:
    if organization is None or not organization.is_committee:
        raise ValidationError({"organization": "模板只能由党委（党工委、党组）建立。"})
    require(acting_user, organization, "change")


@transaction.atomic
def do_create_template(*, acting_user, organization, name, kind, title, body, description="", is_active=True):
    """A committee's own template (built-ins are synced from code, see builtin.py)."""
    _check_template_owner(organization, acting_user)
    check_syntax(title, "标题模板")
    check_syntax(body)
    template = ReportTemplate(
        organization=organization,
        name=name,
        kind=kind,
        title=title,
        body=body,
        description=description,
        is_active=is_active,
    )
    template.full_clean()
    template.save()
    record_create(template, acting_user=acting_user)
    return template


@transaction.atomic
def do_update_template(template, *, acting_user, **changes):
    """Edit a committee's template: each change raises the version; the audit keeps the old text."""
    if template.is_builtin:
        raise PermissionDenied("内置模板不能修改，请复制为本党委模板后修改。")
    _check_template_owner(template.organization, acting_user)
    before = snapshot(template)
    for name, value in changes.items():
        if name not in TEMPLATE_FIELDS:
            raise ValueError(name)
        setattr(template, name, value)
    check_syntax(template.title, "标题模板")
    check_syntax(template.body)
    if snapshot(template) != before:
        template.version += 1
    template.full_clean()
    template.save()
    record_update(template, before, acting_user=acting_user)
    return template


def _figure_rows(draft, placements) -> list[FigureUse]:
    now = timezone.now()
    return [
        FigureUse(
            draft=draft,
            number=p.number,
            key=p.key,
            organization=p.organization,
            period_start=p.period.start,
            period_end=p.period.end,
            style=p.style,
            value=value_text(p.value),
            text=p.text,
            refreshed_at=now,
        )
        for p in placements
    ]


@transaction.atomic
def do_create_draft(*, acting_user, organization, template, period: Period, issued_on=None):
    """Render `template` for `organization` and `period` into a new draft with its figures."""
    require(acting_user, organization, "change")
    if not template.is_active:
        raise ValidationError({"template": "该模板已停用。"})
    renderer = Renderer(organization, period)
    title = tidy(renderer.render(template.title, "标题模板")).replace("\n", "")
    body = tidy(renderer.render(template.body))
    draft = ReportDraft(
        organization=organization,
        template=template,
        template_version=template.version,
        period_start=period.start,
        period_end=period.end,
        title=title[:200],
        body=body,
        issuer=organization.name,
        issued_on=issued_on or timezone.localdate(),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    draft.full_clean()
    draft.save()
    record_create(draft, acting_user=acting_user)
    bulk_create_audited(FigureUse, _figure_rows(draft, renderer.placements), acting_user=acting_user)
    return draft


def _place_typed_figures(draft, body: str) -> tuple[str, list]:
    """Tokens typed by hand as 〔数:key〕 or 〔数:key|style〕 become figures of the draft's organization."""
    numbers = set(draft.figures.values_list("number", flat=True))
    renderer = Renderer(draft.organization, draft.period, start_number=max(numbers, default=0) + 1)

    def place(match):
        inside = match.group(1).strip()
        if inside.isdigit():
            if int(inside) not in numbers:
                raise ValidationError({"body": f"正文中的{match.group(0)}不是本草稿的数字。"})
            return match.group(0)
        key, _, style = inside.partition("|")
        try:
            get_figure(key.strip())
        except KeyError as error:
            raise ValidationError({"body": f"正文中的{match.group(0)}：{error.args[0]}"}) from error
        if style and style not in FigureStyle.values:
            raise ValidationError({"body": f"正文中的{match.group(0)}：未知的数字写法“{style}”。"})
        return renderer.figure(key.strip(), style or None)

    body = TOKEN_RE.sub(place, body)
    return body, renderer.placements


@transaction.atomic
def do_update_draft(draft, *, acting_user, **changes):
    """Save hand edits (title, body, 落款, date, status); typed 〔数:key〕 tokens become marked figures."""
    require(acting_user, draft.organization, "change")
    before = snapshot(draft)
    placements = []
    for name, value in changes.items():
        if name not in DRAFT_FIELDS:
            raise ValueError(name)
        if name == "body":
            value, placements = _place_typed_figures(draft, tidy(value))
        setattr(draft, name, value)
    draft.full_clean()
    draft.save()
    record_update(draft, before, acting_user=acting_user)
    bulk_create_audited(FigureUse, _figure_rows(draft, placements), acting_user=acting_user)
    return draft


def current_value(use: FigureUse):
    return get_figure(use.key).value(use.organization, use.period)


def stale_figures(draft) -> list[tuple[FigureUse, str]]:
    """(figure, current value as text) for each placed figure whose records changed since it was placed."""
    found = []
    for use in draft.figures.select_related("organization"):
        try:
            now = value_text(current_value(use))
        except KeyError:  # the figure is no longer registered
            continue
        if now != use.value:
            found.append((use, now))
    return found


@transaction.atomic
def do_refresh_figures(draft, *, acting_user, numbers=None) -> list[FigureUse]:
    """Recompute stale figures (all, or those `numbers`): value and text follow the records again."""
    require(acting_user, draft.organization, "change")
    wanted = set(numbers) if numbers is not None else None
    changed, befores = [], {}
    now = timezone.now()
    for use, _ in stale_figures(draft):
        if wanted is not None and use.number not in wanted:
            continue
        befores[use.pk] = snapshot(use)
        value = current_value(use)
        use.value = value_text(value)
        use.text = format_value(value, get_figure(use.key).unit, use.style)
        use.refreshed_at = now
        changed.append(use)
    bulk_update_audited(changed, ["value", "text", "refreshed_at"], befores, acting_user=acting_user)
    return changed
