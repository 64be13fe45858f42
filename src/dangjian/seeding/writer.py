"""Writing a plan with bulk inserts: paths are precomputed, so no per-node treebeard calls.

The per-object services (`do_create_member` …) write one audit row each and would take an hour for a
city; the caller writes one "import" audit event for the whole run instead.
"""

from django.db import connection

from dangjian.activities.models import Activity, ActivityType, Attendance
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


# Organizational life ------------------------------------------------------------------------------------
# A city has about 500,000 activities and 9 million attendance rows. `bulk_create` prepares every field of
# every instance (about 75 µs an activity); these tables are written as plain rows with ids allocated
# up front: COPY on PostgreSQL, executemany on SQLite (both inside the seed's one transaction).
ROWS_PER_WRITE = 50_000
ACTIVITY_FIELDS = [
    "id",
    "organization",
    "activity_type",
    "held_on",
    "start_time",
    "end_time",
    "place",
    "host",
    "recorder",
    "theme",
    "agenda",
    "minutes",
    "notice",
    "expected_count",
    "present_count",
    "attendance_rate",
    "cancel_reason",
    "version",
    "created_at",
    "updated_at",
]
ATTENDANCE_FIELDS = [
    "activity",
    "member",
    "present",
    "absence_reason",
    "absence_note",
    "created_at",
    "updated_at",
]


def write_activities(planned: list, now) -> tuple[int, int]:
    """(activities, attendance rows) written for `planned` (seeding.activities.PlannedActivity)."""
    types = dict(ActivityType.objects.values_list("code", "id"))
    ids = next_ids(Activity, len(planned))
    for item, pk in zip(planned, ids, strict=True):
        item.pk = pk
    rows = (
        (
            item.pk,
            item.org.instance.pk,
            types[item.type_code],
            item.held_on,
            item.start_time,
            item.end_time(),
            item.place,
            item.host.instance.pk if item.host else None,
            item.recorder.instance.pk if item.recorder else None,
            item.theme,
            f"1. {item.theme}；2. 其他事项",
            "",
            "",
            len(item.expected),
            item.present_count,
            item.attendance_rate,
            "",
            1,
            now,
            now,
        )
        for item in planned
    )
    return insert_rows(Activity, ACTIVITY_FIELDS, rows), insert_rows(
        Attendance, ATTENDANCE_FIELDS, _attendance_rows(planned, now)
    )


def _attendance_rows(planned, now):
    for item in planned:
        activity_id, absent = item.pk, item.absent
        for index, person in enumerate(item.expected):
            reason, note = absent.get(index, ("", ""))
            yield activity_id, person.instance.pk, not reason, reason, note, now, now


def next_ids(model, count: int) -> list[int]:
    """`count` primary keys for rows about to be inserted with explicit ids."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        # SQLite: the seed holds the write lock (one IMMEDIATE transaction), so nobody else takes ids.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - the model's table
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def insert_rows(model, names: list[str], rows) -> int:
    """Insert `rows` (values of the fields `names`, in order) without model instances; the count."""
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # psycopg 3
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        placeholders = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
        adapt = _sqlite_adapters(fields)
        batch = []
        for row in rows:
            batch.append(adapt(row))
            if len(batch) >= ROWS_PER_WRITE:
                cursor.executemany(sql, batch)
                written, batch = written + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def _sqlite_adapters(fields):
    """A function giving a row the values SQLite stores (as Django would): text for times, dates…"""
    ops = connection.ops
    by_type = {
        "DateTimeField": ops.adapt_datetimefield_value,
        "DateField": ops.adapt_datefield_value,
        "TimeField": ops.adapt_timefield_value,
        "DecimalField": lambda value: None if value is None else str(value),
    }
    converters = [
        (i, by_type[f.get_internal_type()]) for i, f in enumerate(fields) if f.get_internal_type() in by_type
    ]
    cache: dict = {}

    def adapt(row):
        row = list(row)
        for i, convert in converters:
            value = row[i]
            if value is not None:
                key = (i, value)
                found = cache.get(key)
                if found is None:
                    found = cache[key] = convert(value)
                row[i] = found
        return row

    return adapt
