"""Writes to the organization tree. Views call these; none of them saves a model directly."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dangjian.accounts.scope import get_scope, require
from dangjian.audit import services as audit

from .models import Organization, OrganizationMove

EDITABLE_FIELDS = [
    "code",
    "name",
    "kind",
    "unit_category",
    "founded_on",
    "term_started_on",
    "term_ends_on",
    "has_committee",
    "address",
    "remarks",
]


def default_term_end(organization: Organization) -> date | None:
    """Term end from its start: 3 years, or 5 for 村/社区 (支部工作条例)."""
    start = organization.term_started_on
    if start is None:
        return None
    years = organization.default_term_years
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


@transaction.atomic
def do_create_organization(*, parent: Organization | None, acting_user, **fields) -> Organization:
    """Create an organization under `parent` (or a root), checking the tree shape."""
    action = "change" if fields.get("kind") == "party_group" else "manage_tree"
    require(acting_user, parent, action)
    org = Organization(**fields)
    org.check_parent(parent)
    if org.term_started_on and not org.term_ends_on:
        org.term_ends_on = default_term_end(org)
    org.full_clean(exclude=["path", "depth", "numchild"])
    org = (
        Organization.objects.add_child(parent, instance=org)
        if parent
        else Organization.objects.add_root(instance=org)
    )
    audit.record_create(org, acting_user=acting_user)
    return org


@transaction.atomic
def do_update_organization(organization: Organization, *, acting_user, **fields) -> Organization:
    """Change the attributes of an organization (not its place in the tree)."""
    require(acting_user, organization, "change")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = audit.snapshot(organization)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"field {name} is not editable here")
        setattr(organization, name, value)
    organization.check_parent(Organization.objects.parent_of(organization))
    if organization.term_started_on and not organization.term_ends_on:
        organization.term_ends_on = default_term_end(organization)
    organization.full_clean(exclude=["path", "depth", "numchild"])
    organization.save()
    audit.record_update(organization, before, acting_user=acting_user)
    return organization


@transaction.atomic
def do_dissolve_organization(organization, *, dissolved_on, reason, acting_user) -> Organization:
    """Mark an organization dissolved (撤销); nothing is deleted."""
    require(acting_user, organization, "manage_tree")
    if Organization.objects.children_of(organization).active().exists():
        raise ValidationError("该组织还有未撤销的下级组织，请先调整或撤销下级组织。")
    # `members` is the roster's reverse relation; asked by name so this layer needs no import of it.
    roster = getattr(organization, "members", None)
    if roster is not None and roster.active().exists():
        raise ValidationError("该党支部还有党员，请先办理组织关系转接。")
    before = audit.snapshot(organization)
    organization.status = "dissolved"
    organization.dissolved_on = dissolved_on
    organization.save(update_fields=["status", "dissolved_on", "updated_at"])
    audit.record_update(organization, before, acting_user=acting_user, action="deactivate", message=reason)
    return organization


@dataclass
class MoveOrganization:
    """隶属关系调整: move a subtree under a new parent, keeping a dated record of where it was."""

    organization: Organization
    new_parent: Organization
    acting_user: object
    moved_on: date
    reason: str = ""
    document_number: str = ""

    def check(self) -> None:
        if self.acting_user is None:
            scope = None
        else:
            scope = get_scope(self.acting_user)
        # Moving needs authority over the node's old parent and the new parent: a user may rearrange
        # what lies under their grant, not lift their own node out of it.
        old_parent = Organization.objects.parent_of(self.organization)
        if old_parent is None:
            raise ValidationError("顶级组织不能调整隶属关系。")
        if scope and not scope.covers(old_parent.path, "manage_tree"):
            raise PermissionDenied("无权调整该组织的隶属关系。")
        if scope and not scope.covers(self.new_parent.path, "manage_tree"):
            raise PermissionDenied("无权将组织调整到该上级组织之下。")
        if self.new_parent.path.startswith(self.organization.path):
            raise ValidationError({"new_parent": "不能将组织调整到其自身或其下级组织之下。"})
        if old_parent.pk == self.new_parent.pk:
            raise ValidationError({"new_parent": "新上级组织与原上级组织相同。"})
        self.organization.check_parent(self.new_parent)

    @transaction.atomic
    def execute(self) -> OrganizationMove:
        self.check()
        old_parent = Organization.objects.parent_of(self.organization)
        old_path = self.organization.path
        Organization.objects.move(self.organization, self.new_parent, "sorted-child")
        self.organization.refresh_from_db()
        move = OrganizationMove.objects.create(
            organization=self.organization,
            old_parent=old_parent,
            new_parent=self.new_parent,
            old_path=old_path,
            moved_on=self.moved_on,
            document_number=self.document_number,
            reason=self.reason,
            moved_by=self.acting_user,
        )
        audit.record(
            "move",
            self.organization,
            acting_user=self.acting_user,
            changes={
                "parent": [str(old_parent), str(self.new_parent)],
                "path": [old_path, self.organization.path],
            },
            message=self.reason,
        )
        return move
