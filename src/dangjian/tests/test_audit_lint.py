"""Bulk ORM writes skip model signals and services, so they would escape the audit trail
(security.md §6). Outside the audit wrappers they are allowed only where this file says why."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
BULK_WRITE = re.compile(r"objects\b[^\n#]*\.(?:bulk_create|bulk_update|update|delete)\(")

# path (relative to the package) -> why bulk writes there are fine
ALLOWED = {
    "audit/services.py": "the audited wrappers themselves",
    "seeding/writer.py": "synthetic data: one 'import' audit event per seeding run (see seeding/runner.py)",
    "seeding/users.py": "links demo logins to their member records while seeding",
}
# A single line may opt out with this marker and a reason, e.g. credentials that are not domain records.
MARKER = "audit-exempt:"


def offending_lines():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in ALLOWED or "/tests/" in f"/{relative}" or "/migrations/" in relative:
            continue
        if relative.startswith("core/testing/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BULK_WRITE.search(line) and MARKER not in line:
                yield f"{relative}:{number}: {line.strip()}"


def test_no_unaudited_bulk_writes():
    assert list(offending_lines()) == []


def test_the_lint_sees_a_bulk_write(tmp_path, monkeypatch):
    """The pattern must catch what it is meant to catch."""
    for line in (
        "Member.objects.filter(pk=1).update(name='x')",
        "Member.objects.bulk_create(rows)",
        "Organization.objects.filter(code='x').delete()",
    ):
        assert BULK_WRITE.search(line), line
    for line in ("context.update(x=1)", "h.update(data)", "job.update(status='done')"):
        assert not BULK_WRITE.search(line), line
