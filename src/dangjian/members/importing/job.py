"""One import run (`RosterImport`) and its entry point `import_members`: read, validate, then write."""

import inspect
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation

from dangjian.accounts.scope import get_scope
from dangjian.core.uploads import UploadRejected

from ..models import Member
from .columns import HEADERS
from .reading import read_sheet
from .result import ImportResult, RowError
from .validation import ValidationMixin
from .writing import WritingMixin


def _progress_reporter(progress) -> Callable[[int, int, str], None]:
    """Call `progress(done, total)`, adding `stage=` ("validate" / "write") when the callback accepts it."""
    if progress is None:
        return lambda done, total, stage: None
    try:
        params = inspect.signature(progress).parameters.values()
    except (TypeError, ValueError):
        params = []
    with_stage = any(p.name == "stage" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)

    def report(done, total, stage):
        if with_stage:
            progress(done, total, stage=stage)
        else:
            progress(done, total)

    return report


def _error_order(error: RowError) -> tuple[int, int]:
    return error.row, HEADERS.index(error.column) if error.column in HEADERS else -1


class RosterImport(ValidationMixin, WritingMixin):
    """One import run: read, validate every row, then write in one transaction (or not at all)."""

    def __init__(self, *, organization, acting_user, dry_run, progress, source_name=""):
        self.root = organization
        self.acting_user = acting_user
        self.dry_run = dry_run
        self.report = _progress_reporter(progress)
        self.source_name = source_name
        self.result = ImportResult(dry_run=dry_run)
        self.new_members: list[Member] = []
        self.changed: list[tuple[Member, dict, set]] = []  # (member, audit snapshot before, fields)

    def run(self, file) -> ImportResult:
        if self.acting_user is not None and self.root is not None:
            if not get_scope(self.acting_user).covers(self.root.path, "change"):
                raise PermissionDenied("无权向该党组织导入党员。")
        try:
            sheet = read_sheet(file)
        except UploadRejected as error:
            self.result.errors.append(RowError(0, "", str(error)))
            return self.result
        self.result.total = len(sheet.rows)
        self.result.errors.extend(sheet.errors)
        if self.result.errors:
            return self.result
        self.validate(sheet)
        if self.result.errors or self.dry_run:
            self.result.errors.sort(key=_error_order)
            return self.result
        self.write()
        return self.result


def import_members(
    file, *, organization=None, acting_user, dry_run=False, progress=None, source_name=""
) -> ImportResult:
    """Import the roster sheet in `file` (a path, bytes or file object) into `organization`'s subtree.

    `organization`: the default branch for rows whose 所在党支部 is empty, and the root every row must
    lie under; None = the user's whole change scope. `acting_user=None` is an operator at the command line.
    `progress(done, total)` is called every ~500 rows while validating and while writing (with
    `stage="validate"|"write"` when the callback accepts a `stage` argument). Nothing is written when
    any row is wrong, or with `dry_run`.
    """
    started = time.monotonic()
    name = source_name or str(getattr(file, "name", "") or "")
    with translation.override(settings.LANGUAGE_CODE):
        run = RosterImport(
            organization=organization,
            acting_user=acting_user,
            dry_run=dry_run,
            progress=progress,
            source_name=name.rsplit("/", 1)[-1],
        )
        result = run.run(file)
    result.elapsed = round(time.monotonic() - started, 2)
    return result
