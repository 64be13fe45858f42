"""Writing a plan with bulk inserts: paths are precomputed, so no per-node treebeard calls.

The per-object services (`do_create_member` …) write one audit row each and would take an hour for a
city; the caller writes one "import" audit event for the whole run instead.
"""

from dangjian.members.models import Member, Position
from dangjian.organizations.models import Organization

from .plan import OrgNode

BATCH_ROWS = 2000
MAX_PARAMETERS = 65_000  # PostgreSQL allows 65,535 bound parameters in one statement


def batch_size(model) -> int:
    """Rows per INSERT: about 2,000, fewer for wide tables (Django caps SQLite batches itself)."""
    columns = sum(1 for field in model._meta.concrete_fields if not field.primary_key)
    return max(1, min(BATCH_ROWS, MAX_PARAMETERS // columns))


def write_organizations(nodes: list[OrgNode]) -> int:
    """Insert `nodes` (paths, depth and numchild as treebeard would set them)."""
    objs = []
    for node in nodes:
        node.instance = Organization(
            path=node.path,
            depth=node.depth,
            numchild=len(node.children),
            code=node.code,
            name=node.name,
            kind=node.kind,
            unit_category=node.unit_category,
            founded_on=node.founded_on,
            term_started_on=node.term_started_on,
            term_ends_on=node.term_ends_on,
            has_committee=node.has_committee,
            address=node.address,
            remarks=node.remarks,
        )
        objs.append(node.instance)
    Organization.objects.bulk_create(objs, batch_size=batch_size(Organization))
    return len(objs)


def member_for(node: OrgNode, person) -> Member:
    """An unsaved Member for `person`, with pinyin and blind indexes filled in."""
    member = Member(
        organization_id=node.instance.pk,
        party_group_id=person.group.instance.pk if person.group is not None else None,
        name=person.name,
        sex=person.sex,
        ethnicity=person.ethnicity,
        birth_date=person.birth_date,
        id_number=person.id_number,
        native_place=person.native_place,
        education=person.education,
        category=person.category,
        job_title=person.job_title,
        phone=person.phone,
        joined_on=person.joined_on,
        confirmed_on=person.confirmed_on,
        status=person.status,
        status_changed_on=person.status_changed_on,
        status_reason=person.status_reason,
        is_mobile=person.is_mobile,
        is_unreachable=person.is_unreachable,
        remarks=person.remarks,
    )
    member.fill_derived_fields()
    return member


def write_members(nodes: list[OrgNode]) -> int:
    """Insert every member of `nodes`; encryption happens as the fields are prepared for the INSERT."""
    size = batch_size(Member)
    batch: list[Member] = []
    written = 0
    for node in nodes:
        for person in node.members:
            person.instance = member_for(node, person)
            batch.append(person.instance)
            if len(batch) >= size:
                written += len(Member.objects.bulk_create(batch, batch_size=size))
                batch = []
    if batch:
        written += len(Member.objects.bulk_create(batch, batch_size=size))
    return written


def write_positions(nodes: list[OrgNode]) -> int:
    objs = [
        Position(
            member_id=person.instance.pk, organization_id=node.instance.pk, title=title, started_on=started
        )
        for node in nodes
        for person, title, started in node.positions
    ]
    Position.objects.bulk_create(objs, batch_size=batch_size(Position))
    return len(objs)


def write_subtree(root: OrgNode) -> tuple[int, int, int]:
    """(organizations, members, positions) written for `root` and everything below it."""
    nodes = list(root.walk())
    return write_organizations(nodes), write_members(nodes), write_positions(nodes)


def forget_people(root: OrgNode) -> None:
    """Drop the written members from the plan so a city is never held in memory at once."""
    for node in root.walk():
        node.members = []
        node.positions = []
