"""Registries kept in core: capabilities register into them; consumers never import the capabilities.

- `node_counters`: counts shown next to each organization in the tree (e.g. members by status).
- `quality_checks`: data-quality rules (体检) listing records that break a consistency rule.
- `organization_warnings`: soft rules (rules.md §1) shown on an organization's page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NodeCounter:
    """`count(paths, user)` -> {path: {label: n}} counting each path's whole subtree."""

    key: str
    count: Callable[[list[str]], dict[str, dict[str, int]]]
    order: int = 100


@dataclass(frozen=True)
class QualityCheck:
    """`find(organization)` yields QualityIssue for records in the subtree of `organization`."""

    code: str
    title: str
    rule: str
    find: Callable[[Any], Any]


@dataclass(frozen=True)
class QualityIssue:
    check: QualityCheck
    object: Any
    message: str
    fix_url: str


node_counters: dict[str, NodeCounter] = {}
quality_checks: dict[str, QualityCheck] = {}
# Soft rules shown as warnings on an organization's page: fn(organization) -> list of messages.
organization_warnings: list[Callable[[Any], list[str]]] = []


def register_node_counter(key: str, order: int = 100):
    def decorator(fn):
        node_counters[key] = NodeCounter(key, fn, order)
        return fn

    return decorator


def register_quality_check(code: str, title: str, rule: str):
    def decorator(fn):
        quality_checks[code] = QualityCheck(code, title, rule, fn)
        return fn

    return decorator


def register_organization_warning(fn):
    organization_warnings.append(fn)
    return fn


def run_quality_checks(organization, codes=None):
    """Every issue found in the subtree of `organization`, check by check."""
    for code, check in quality_checks.items():
        if codes and code not in codes:
            continue
        yield from check.find(organization)
