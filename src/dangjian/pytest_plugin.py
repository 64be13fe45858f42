"""A pytest plugin (`-p dangjian.pytest_plugin` in pyproject.toml) for every test directory.

A transactional test (`django_db(transaction=True)`, `transactional_db`, `live_server`) ends by flushing
every table, which also empties the rows the data migrations seeded (the activity types and the national
rules). The tests that run after it in the same process would then find no 主题党日 type at all. After each
transactional test this puts those rows back, the way the migrations write them (idempotent).
"""

import importlib

import pytest

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}


def is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def seed_migration_data() -> None:
    """What the data migrations write: the activity types and the national rules."""
    from django.apps import apps

    importlib.import_module("dangjian.activities.migrations.0002_default_types_and_rules").seed(apps, None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the fixtures are torn down (and the tables flushed) first
    # After the process's last test the test database is gone too (and the connection points at the
    # real database name again): nothing to put back.
    if is_transactional(item) and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            seed_migration_data()
