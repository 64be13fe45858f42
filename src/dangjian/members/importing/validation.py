"""Checking every row before anything is written: cells, branch and scope, duplicates, the model's rules.

`ValidationMixin` is the validating half of `job.RosterImport`: it fills `result` (counts, errors) and the
lists of members to create and to update that `writing.WritingMixin` then writes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from dangjian.audit import services as audit
from dangjian.core.crypto import crypto_provider
from dangjian.core.validators import id_number_birth_date, id_number_sex
from dangjian.organizations.models import Organization

from ..choices import ACTIVE_STATUSES, HAN
from ..models import Member
from .cells import DATE_FIELDS, CellError, parse_cell
from .columns import COLUMNS, FIELD_HEADERS, HEADERS, IMPORT_FIELDS, IMPORT_STATUSES, STATUS_NOT_IMPORTABLE
from .constraints import validate_constraints
from .placement import Placement
from .reading import Sheet
from .result import ImportResult, RowError

PROGRESS_EVERY = 500


@dataclass
class ParsedRow:
    number: int
    values: dict
    errors: list[RowError]
    present: set  # Member fields whose column is in the file

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message.rstrip("。")))

    def failed(self, field_name: str) -> bool:
        header = FIELD_HEADERS.get(field_name)
        return any(e.column == header for e in self.errors)


def _model_error_column(field_name: str, message: str) -> str:
    if field_name in FIELD_HEADERS:
        return FIELD_HEADERS[field_name]
    found = [(message.index(h), h) for h in HEADERS if h in message]
    return min(found)[1] if found else ""  # the column the message names first


class ValidationMixin:
    """Validate every row of a sheet; needs the attributes below (set by `RosterImport.__init__`)."""

    root: Organization | None
    acting_user: object
    report: Callable[[int, int, str], None]
    result: ImportResult
    new_members: list[Member]
    changed: list[tuple[Member, dict, set]]

    def validate(self, sheet: Sheet) -> None:
        total = len(sheet.rows)
        self.report(0, total, "validate")
        parsed = [self.parse_row(number, values, sheet.headers) for number, values in sheet.rows]
        placement = Placement(
            root=self.root,
            acting_user=self.acting_user,
            branch_values={row.values.get("organization") for row in parsed},
            group_values={row.values.get("party_group") for row in parsed if row.values.get("party_group")},
        )
        existing = self.load_existing(parsed)
        first_row_of: dict[str, int] = {}
        for done, row in enumerate(parsed, 1):
            index = row.values.get("id_number_index")
            if index:
                if index in first_row_of:
                    row.error("身份证号", f"与第{first_row_of[index]}行的身份证号重复")
                    index = None
                else:
                    first_row_of[index] = row.number
            self.check_row(row, placement, existing.get(index) if index else None)
            self.result.errors.extend(row.errors)
            if done % PROGRESS_EVERY == 0 or done == total:
                self.report(done, total, "validate")

    def parse_row(self, number: int, values: tuple, headers: dict[int, str]) -> ParsedRow:
        row = ParsedRow(number, {}, [], set())
        for index, header in headers.items():
            column = COLUMNS[HEADERS.index(header)]
            row.present.add(column.field)
            try:
                row.values[column.field] = parse_cell(column, values[index] if index < len(values) else None)
            except CellError as error:
                row.error(header, str(error))
        id_number = row.values.get("id_number")
        if id_number:
            row.values["id_number_index"] = crypto_provider().blind_index(id_number, "id_number")
            # 性别 and 出生日期 left empty (or left out) are read from the 身份证号.
            if not row.values.get("sex") and not row.failed("sex"):
                row.values["sex"] = id_number_sex(id_number)
                row.present.add("sex")
            if not row.values.get("birth_date") and not row.failed("birth_date"):
                row.values["birth_date"] = id_number_birth_date(id_number)
                row.present.add("birth_date")
        return row

    @staticmethod
    def load_existing(parsed: list[ParsedRow]) -> dict[str, Member]:
        indexes = [row.values["id_number_index"] for row in parsed if row.values.get("id_number_index")]
        found = {}
        for start in range(0, len(indexes), 500):
            chunk = indexes[start : start + 500]
            for member in Member.objects.filter(id_number_index__in=chunk).select_related("organization"):
                found[member.id_number_index] = member
        return found

    def check_row(self, row: ParsedRow, placement: Placement, current: Member | None) -> None:
        branch = self.place(row, placement, current)
        if current is not None and not self.check_existing(row, placement, current, branch):
            return
        status = row.values.get("status")
        if status and status not in IMPORT_STATUSES and (current is None or status != current.status):
            row.error("党员状态", STATUS_NOT_IMPORTABLE)
        member = current if current is not None else Member()
        if current is None and branch is not None:
            member.organization = branch
        changes = self.changes(row, member, current is None)
        if current is not None and not changes:
            if not row.errors:
                self.result.unchanged += 1
            return
        before = audit.snapshot(current) if current is not None else None
        for name, value in changes.items():
            setattr(member, name, value)
        self.full_clean(row, member)
        if row.errors:
            return
        if current is None:
            self.new_members.append(member)
            self.result.created += 1
        else:
            self.changed.append((member, before, set(changes)))
            self.result.updated += 1

    def place(self, row: ParsedRow, placement: Placement, current: Member | None) -> Organization | None:
        """The row's branch (and party group into values), or None with an error recorded."""
        text = row.values.pop("organization", None) or ""
        try:
            if text:
                branch = placement.branch(text)
            elif current is not None:
                branch = current.organization
            else:
                branch = placement.default_branch()
        except CellError as error:
            row.error("所在党支部", str(error))
            row.values.pop("party_group", None)  # cannot be resolved without its branch
            return None
        if "party_group" in row.present:
            try:
                row.values["party_group"] = placement.group(row.values.get("party_group") or "", branch)
            except CellError as error:
                row.error("党小组", str(error))
                row.values.pop("party_group", None)
        return branch

    def check_existing(self, row: ParsedRow, placement: Placement, current: Member, branch) -> bool:
        """Rules for a 身份证号 already in the roster; False when the row cannot update it at all."""
        if not placement.may_change(current.organization):
            scope_ok = placement.scope is None or placement.scope.covers(current.organization.path, "change")
            where = f"「{current.organization.name}」" if scope_ok else "您管理范围以外的党组织"
            row.error("身份证号", f"该身份证号已登记在{where}的党员名册中；如需转入，请办理组织关系转接")
            return False
        if branch is not None and branch.pk != current.organization_id:
            row.error(
                "所在党支部",
                f"该党员现属「{current.organization.name}」，变更所在党支部请办理组织关系转接",
            )
            return False
        status = row.values.get("status")
        if current.status not in ACTIVE_STATUSES and status and status != current.status:
            row.error(
                "党员状态",
                f"该党员当前状态为「{current.get_status_display()}」，不能通过导入变更，请在党员页面办理",
            )
            return False
        return True

    @staticmethod
    def changes(row: ParsedRow, member: Member, is_new: bool) -> dict:
        """{field: new value} for the fields of the file that differ from `member` (all, when new)."""
        changes = {}
        for name in IMPORT_FIELDS:
            if name == "organization" or name not in row.present or name not in row.values:
                continue
            value = row.values[name]
            if name == "party_group":
                if is_new or member.party_group_id != (value.pk if value else None):
                    changes[name] = value
                continue
            if name == "ethnicity" and not value:
                value = HAN  # 留空按汉族
            if value is None and name not in DATE_FIELDS:
                value = ""
            if is_new or getattr(member, name) != value:
                changes[name] = value
        return changes

    @staticmethod
    def full_clean(row: ParsedRow, member: Member) -> None:
        """The model's rules (Member.clean, constraints, field checks); errors land on their columns."""
        skip = {name for name in IMPORT_FIELDS if row.failed(name)}
        real_id = member.id_number
        if row.failed("id_number"):
            # Nothing to compare 性别/出生日期 with, and Member.clean() must not re-report the number.
            member.id_number = ""
            skip |= {"sex", "birth_date"}
        member.fill_derived_fields()
        exclude = {"organization", "party_group", "user", "id_number_index", *skip}
        errors = {}
        try:
            member.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        finally:
            member.id_number = real_id
        try:
            validate_constraints(member, exclude | set(errors))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, messages in (ValidationError(errors).message_dict if errors else {}).items():
            for message in messages:
                column = _model_error_column(name, message)
                if (FIELD_HEADERS.get(name) and row.failed(name)) or any(
                    e.column == column for e in row.errors
                ):
                    continue
                row.error(column, message)
