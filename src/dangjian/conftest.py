"""pytest fixtures shared by every app: the test world and clients logged in as its roles.

The world is built once per test module inside a transaction that is rolled back when the module ends;
each test runs in a savepoint inside it (as Django's `TestCase.setUpTestData` does), so tests may
change the world freely. Two consequences: `world` cannot serve a transactional test (it fails loudly),
and in a module that uses `world`, a `db`-only test may find the world's rows (from the first `world`
test on), so it should not count rows it did not make.
"""

import pytest
from django.db import transaction
from django.test import Client, override_settings

from dangjian.core.testing import build_world, login_as


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Uploaded files of every test go to a temporary MEDIA_ROOT (one per test process), never var/."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(request, _module_world, db):
    """The small tree, members and one user per role (see core/testing/fixtures.py), fresh objects."""
    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker and marker.kwargs.get("transaction")
    ):
        pytest.fail("`world` lives in a rolled-back transaction: in a transactional test call build_world()")
    return _module_world.reloaded()


@pytest.fixture
def client_as(world):
    """`client_as("town_a_admin")`: a fresh test client logged in as that user."""

    def make(name: str, **client_options) -> Client:
        client = Client(**client_options)
        login_as(client, name)
        return client

    return make
