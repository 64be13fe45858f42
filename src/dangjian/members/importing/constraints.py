"""The constraint shortcut: simple CHECK conditions evaluated in Python instead of one query per row."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import CheckConstraint, F, Q


class _Unsupported(Exception):
    """A constraint condition this module cannot evaluate in Python."""


def _kleene(values: list, connector: str):
    """AND/OR in SQL's three-valued logic (None = unknown)."""
    if connector == Q.AND:
        return False if False in values else None if None in values else True
    if connector == Q.OR:
        return True if True in values else None if None in values else False
    raise _Unsupported(connector)


COMPARISONS = {
    "exact": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _evaluate(node, obj):
    """Value of a simple Q condition on `obj`: True, False or None (SQL unknown)."""
    if isinstance(node, Q):
        value = _kleene([_evaluate(child, obj) for child in node.children], node.connector)
        return (None if value is None else not value) if node.negated else value
    if not isinstance(node, tuple):
        raise _Unsupported(node)
    lookup, expected = node
    name, _, operator = lookup.partition("__")
    actual = _field_value(obj, name)
    if isinstance(expected, F):
        expected = _field_value(obj, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise _Unsupported(expected)
    if operator == "isnull":
        return (actual is None) == bool(expected)
    if operator not in ("", *COMPARISONS):
        raise _Unsupported(operator)
    if actual is None or expected is None:
        return None
    try:
        return COMPARISONS[operator or "exact"](actual, expected)
    except TypeError:
        raise _Unsupported(lookup) from None


def _field_value(obj, name: str):
    try:
        return getattr(obj, obj._meta.get_field(name).attname)
    except (FieldDoesNotExist, AttributeError):
        raise _Unsupported(name) from None


def certainly_holds(constraint, obj) -> bool:
    """True when a CheckConstraint holds for `obj` (a CHECK passes unless FALSE); False = ask the database."""
    if not isinstance(constraint, CheckConstraint):
        return False
    try:
        return _evaluate(constraint.condition, obj) is not False
    except _Unsupported:
        return False


def validate_constraints(obj, exclude: set) -> None:
    """`Model.validate_constraints`, without a database query for simple CHECK conditions that hold.

    Django checks each CheckConstraint with a query per object (2 per row here: 20,000 queries for a
    full file). Conditions that hold in Python skip it; any other goes to `constraint.validate()`, so
    violations keep Django's messages, and whatever Python cannot evaluate is still checked.
    """
    errors = []
    for constraint in obj._meta.constraints:
        if certainly_holds(constraint, obj):
            continue
        try:
            constraint.validate(type(obj), obj, exclude=exclude)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
