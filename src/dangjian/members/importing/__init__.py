"""Excel (.xlsx) import of the roster (花名册): validate every row, then write all or nothing.

`import_members(file, organization=…, acting_user=…)` reads the first sheet (or the sheet named 党员名册),
whose header row holds the Chinese column names of `COLUMNS`. Every row is checked — cell formats, choices
entered by their Chinese labels, branch and scope, duplicates inside the file, and the model's own rules
(`Member.full_clean()`) — and every problem is reported with its row, column and a Chinese reason. Only a
file without a single error is written, in one transaction, through the audit wrappers. Existing members
are matched by 身份证号 (blind index): only changed fields are updated, so importing a file twice changes
nothing the second time.

Columns left out of a file are not touched on existing members. 性别 and 出生日期 may be left empty: they
are then read from the 身份证号. Messages never repeat a 身份证号 or phone number (they end up in caches
and screens).

Modules, in the order an import uses them:

- `columns`: the sheet's columns and the Member fields they fill (shared with the export);
- `result`: `ImportResult` and `RowError`;
- `reading`: opening the untrusted upload and finding the header and data rows;
- `cells`: one cell to a Python value (dates, choice labels, 是/否, 身份证号, phone);
- `placement`: 所在党支部 / 党小组 to organizations in scope;
- `constraints`: CHECK constraints evaluated in Python, sparing a query per row;
- `validation`: every row checked against the file, the roster and the model;
- `writing`: the all-or-nothing bulk write through the audit wrappers;
- `job`: `RosterImport` (one run) and `import_members`.

Patch a setting in the module that reads it (`validation.PROGRESS_EVERY`, `writing.WRITE_BATCH`): they
are deliberately not re-exported here, so a patch of this package fails instead of doing nothing.
"""

from .cells import parse_date
from .columns import COLUMNS, HEADERS, SHEET_TITLE, Column
from .constraints import certainly_holds, validate_constraints
from .job import import_members
from .result import ImportResult, RowError

__all__ = [
    "COLUMNS",
    "HEADERS",
    "SHEET_TITLE",
    "Column",
    "ImportResult",
    "RowError",
    "certainly_holds",
    "import_members",
    "parse_date",
    "validate_constraints",
]
