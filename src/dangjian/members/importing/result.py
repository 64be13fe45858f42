"""What an import reports: `ImportResult` (counts and errors) and `RowError` (one problem, by row and column).

`ImportResult.as_dict()` / `from_dict()` carry a result through the cache for the background import view.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    """A problem in the file: row = Excel row number (0 = the whole file), column = Chinese header."""

    row: int
    column: str
    message: str

    def __str__(self):
        if self.row and self.column:
            return f"第{self.row}行「{self.column}」：{self.message}"
        if self.row:
            return f"第{self.row}行：{self.message}"
        if self.column:
            return f"「{self.column}」列：{self.message}"
        return self.message


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    total: int = 0
    dry_run: bool = False
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> int:
        return len({error.row for error in self.errors if error.row})

    def summary(self) -> str:
        """One Chinese sentence for messages and the command line."""
        if not self.ok:
            return f"发现 {len(self.errors)} 处错误（涉及 {self.error_rows} 行），未写入任何数据。"
        verb = "校验通过（仅校验，未写入）：将" if self.dry_run else "导入完成："
        return f"{verb}新增 {self.created} 人，更新 {self.updated} 人，未变 {self.unchanged} 人。"

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [[e.row, e.column, e.message] for e in self.errors],
            "total": self.total,
            "dry_run": self.dry_run,
            "elapsed": self.elapsed,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportResult":
        return cls(**{**data, "errors": [RowError(*item) for item in data.get("errors", [])]})
