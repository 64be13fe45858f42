"""Project-wide checks: no missing migration, the OpenAPI schema builds, the deploy checklist passes."""

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.accounts.services import do_create_user
from dangjian.core.crypto import generate_key_material

SRC = Path(__file__).resolve().parents[2]


def test_no_missing_migrations(db):
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exit_code:
        pytest.fail(f"models changed without a migration (makemigrations exited {exit_code.code})")


def test_migrations_create_no_user(db):
    assert User.objects.count() == 0


def test_openapi_schema_generates(db):
    user = do_create_user(
        username="zhou_ba", password="Hongqi-Canal-1960!", acting_user=None, must_change_password=False
    )
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "dangjian 基层党建工作平台 API"
    for path in ("/api/v1/organizations/", "/api/v1/organizations/{id}/counts/", "/api/v1/members/{id}/"):
        assert path in schema["paths"]
    assert "delete" not in schema["paths"]["/api/v1/members/{id}/"]


def test_schema_generation_raises_no_warning():
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "dangjian",
            "spectacular",
            "--fail-on-warn",
            "--validate",
            "--file",
            os.devnull,
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dangjian.settings_test", "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_api_docs_need_a_login(db):
    response = Client().get(reverse("api-docs"))
    assert response.status_code == 302


def test_api_schema_needs_a_login(db):
    assert Client().get(reverse("api-schema")).status_code in (302, 401, 403)


def production_env(var_dir: Path) -> dict:
    alphabet = string.ascii_letters + string.digits + string.punctuation.replace("$", "")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "DANGJIAN_", "HTTPS", "SECURE_", "DEBUG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dangjian.settings",
        PYTHONPATH=str(SRC),
        DEBUG="0",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        ALLOWED_HOSTS="dangjian.example",
        DANGJIAN_KEYS=json.dumps(generate_key_material()),
        DANGJIAN_VAR_DIR=str(var_dir),
    )
    return env


def test_check_deploy_passes_with_production_settings(tmp_path):
    """The deployment checks read settings only: no migrated database is needed (migrating one here took a
    minute of each run)."""
    env = production_env(tmp_path)
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "dangjian", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_templates_carry_no_inline_style_or_script():
    """The CSP allows styles and scripts from our own files only: a style="" attribute, a <style> block or an
    inline <script> is blocked in the browser (and silently breaks the page). json_script's data blocks
    (type="application/json") are not executed and are allowed."""
    offenders = []
    for template in (SRC / "dangjian").glob("**/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for needle in (' style="', "<style", "<script>"):
            if needle in text:
                offenders.append(f"{template.relative_to(SRC)}: {needle.strip()}")
    assert offenders == []
