"""The OpenAPI description stays clean: every app's API generates without a warning (enum name
collisions, unresolvable fields), so the published schema names each choice set once."""

from django.core.management import call_command


def test_openapi_schema_has_no_warnings(tmp_path):
    # --fail-on-warn raises SchemaGenerationError at the first warning.
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")
