"""Writing a validated import: one transaction, through the audit wrappers, bulk and batched.

`WritingMixin` is the writing half of `job.RosterImport`; it writes what `validation.ValidationMixin`
collected, or nothing (a conflicting write rolls the whole import back).
"""

import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.audit import services as audit
from dangjian.organizations.models import Organization

from ..models import Member
from .columns import DERIVED_FROM
from .result import ImportResult, RowError

logger = logging.getLogger(__name__)

WRITE_BATCH = 500
IMPORT_MESSAGE = "Excel导入党员名册"


class WritingMixin:
    """Write the members collected by validation; needs the attributes below (set by `RosterImport`)."""

    root: Organization | None
    acting_user: object
    report: Callable[[int, int, str], None]
    source_name: str
    result: ImportResult
    new_members: list[Member]
    changed: list[tuple[Member, dict, set]]

    def write(self) -> None:
        try:
            with transaction.atomic():
                self.check_versions()
                self.write_new()
                self.write_changed()
                self.record()
        except IntegrityError:
            logger.warning("Roster import hit a conflicting write", exc_info=True)
            self.result.errors.append(
                RowError(0, "", "写入时发现冲突（可能有他人同时录入了相同身份证号的党员），未写入任何数据。")
            )
            self.result.created = self.result.updated = 0
        except ValidationError as error:
            self.result.errors.append(RowError(0, "", error.messages[0]))
            self.result.created = self.result.updated = 0

    def check_versions(self) -> None:
        if not self.changed:
            return
        expected = {member.pk: member.version for member, _, _ in self.changed}
        for start in range(0, len(expected), 500):
            chunk = list(expected)[start : start + 500]
            for pk, version in Member.objects.filter(pk__in=chunk).values_list("pk", "version"):
                if version != expected[pk]:
                    raise ValidationError("部分党员的信息在校验期间被他人修改，未写入任何数据，请重新导入。")

    def write_new(self) -> None:
        total = len(self.new_members) + len(self.changed)
        for start in range(0, len(self.new_members), WRITE_BATCH):
            batch = self.new_members[start : start + WRITE_BATCH]
            audit.bulk_create_audited(
                Member, batch, acting_user=self.acting_user, batch_size=WRITE_BATCH, message=IMPORT_MESSAGE
            )
            self.report(start + len(batch), total, "write")

    def write_changed(self) -> None:
        """bulk_update, grouped by the set of changed fields: each UPDATE sets only what changed."""
        total = len(self.new_members) + len(self.changed)
        written = len(self.new_members)
        now = timezone.now()
        groups: dict[tuple, list] = {}
        for member, before, changed in self.changed:
            member.version += 1
            member.updated_at = now
            fields = changed | {"version", "updated_at"}
            fields |= {derived for source, derived in DERIVED_FROM if source in changed}
            groups.setdefault(tuple(sorted(fields)), []).append((member, before))
        for fields, items in groups.items():
            for start in range(0, len(items), WRITE_BATCH):
                batch = items[start : start + WRITE_BATCH]
                audit.bulk_update_audited(
                    [member for member, _ in batch],
                    list(fields),
                    {member.pk: before for member, before in batch},
                    acting_user=self.acting_user,
                    message=IMPORT_MESSAGE,
                )
                written += len(batch)
                self.report(written, total, "write")

    def record(self) -> None:
        result = self.result
        source = self.source_name[:100] or "上传文件"
        audit.record(
            "import",
            self.root,
            acting_user=self.acting_user,
            message=f"{IMPORT_MESSAGE}（{source}，共{result.total}行）：{result.summary()}",
        )
