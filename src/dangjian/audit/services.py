"""Writing the audit trail. Every service that changes a domain record calls one of these inside its
transaction, so a failed audit write rolls the business write back (fail closed)."""

from django.db import connections, models, router
from django.utils import timezone

from dangjian.core import request_context

from .models import AuditEvent

# Fields never copied into the audit trail in clear (personal information); shown masked instead.
MASKERS = {}


def register_masked_field(label: str, field: str, masker) -> None:
    """Declare that `label.field` holds personal information, recorded only masked."""
    MASKERS[(label, field)] = masker


def snapshot(obj) -> dict:
    """The concrete field values of `obj` as audit-friendly strings (PI masked)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"created_at", "updated_at"}:
            continue
        value = getattr(obj, field.attname)
        masker = MASKERS.get((obj._meta.label_lower, field.name))
        if masker is not None:
            value = masker(value) if value else value
        data[field.name] = None if value is None else str(value)
    return data


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that differ."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def _organization_path(obj) -> str:
    org = getattr(obj, "organization", None)
    if org is not None:
        return org.path
    return getattr(obj, "path", "") or ""


def build_event(action, obj=None, *, acting_user=None, changes=None, message="", success=True, username=""):
    """An unsaved AuditEvent filled with the request context."""
    ctx = request_context.current()
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    event = AuditEvent(
        user=user,
        username=username or (user.get_username() if user else "命令行" if acting_user is None else ""),
        action=action,
        success=success,
        ip_address=ctx.ip_address if ctx else None,
        request_id=ctx.request_id if ctx else "",
        changes=changes or {},
        message=message,
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:200]
        event.organization_path = _organization_path(obj)
    return event


def record(action, obj=None, **kwargs) -> AuditEvent:
    """Write one audit event."""
    event = build_event(action, obj, **kwargs)
    event.save()
    return event


def record_create(obj, *, acting_user, message="") -> AuditEvent:
    changes = {name: [None, value] for name, value in snapshot(obj).items() if value not in (None, "")}
    return record("create", obj, acting_user=acting_user, changes=changes, message=message)


def record_update(obj, before: dict, *, acting_user, action="update", message="") -> AuditEvent | None:
    """Record the fields that changed since `before` (a snapshot); nothing when nothing changed."""
    changes = diff(before, snapshot(obj))
    if not changes and not message:
        return None
    return record(action, obj, acting_user=acting_user, changes=changes, message=message)


def bulk_create_audited(model: type[models.Model], objs: list, *, acting_user, batch_size=1000, message=""):
    """bulk_create that also writes one audit row per created object (signals would miss them)."""
    created = model.objects.bulk_create(objs, batch_size=batch_size)
    if created and created[0].pk is None:
        raise RuntimeError("bulk_create did not return primary keys; cannot audit")
    events = []
    for obj in created:
        changes = {k: [None, v] for k, v in snapshot(obj).items() if v not in (None, "")}
        events.append(build_event("create", obj, acting_user=acting_user, changes=changes, message=message))
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)
    return created


def bulk_update_audited(objs: list, fields: list[str], befores: dict, *, acting_user, message=""):
    """bulk_update that records each object's changed fields; `befores` maps pk -> snapshot."""
    if not objs:
        return
    _update_rows(objs, fields)
    events = []
    for obj in objs:
        changes = diff(befores[obj.pk], snapshot(obj))
        if changes:
            events.append(
                build_event("update", obj, acting_user=acting_user, changes=changes, message=message)
            )
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def _update_rows(objs: list, fields: list[str]) -> None:
    """One parameterised UPDATE per row through executemany.

    Django's bulk_update builds a CASE expression per field over the whole batch, which measured 30×
    slower for 10,000 rows; the values still go through each field's get_db_prep_save (so encrypted
    fields are encrypted). `updated_at` is set like auto_now would.
    """
    model = type(objs[0])
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    stamp = next((f for f in meta.concrete_fields if f.name == "updated_at"), None)
    if stamp is not None and stamp not in concrete:
        concrete.append(stamp)
    now = timezone.now()
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in concrete)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    rows = []
    for obj in objs:
        if stamp is not None:
            setattr(obj, stamp.attname, now)
        values = [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in concrete]
        rows.append([*values, obj.pk])
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
