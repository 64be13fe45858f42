"""The built-in templates (组织部's common report forms), kept in sync with the database after migrate.

They have no organization: every committee reads them and copies one to adapt it. Figures are placed only
when registered (`has(key)`), so a template stays valid while capabilities are added.
"""

from pathlib import Path

from .choices import TemplateKind

SOURCES = Path(__file__).parent / "builtin_templates"


def source(code: str) -> str:
    """A built-in body (`builtin_templates/<code>.jinja`; a line ending in a backslash continues)."""
    return (SOURCES / f"{code}.jinja").read_text(encoding="utf-8")


# code: (name, kind, title, body, description)
BUILTINS = {
    "work-report": (
        "年度/半年党建工作情况汇报",
        TemplateKind.WORK_REPORT,
        "{{ org.name }}{{ period.name }}党建工作情况汇报",
        source("work-report"),
        "一、工作进展及主要做法 二、存在问题 三、下步打算。按年度或半年选择统计期间。",
    ),
    "key-tasks": (
        "基层党建重点任务及“三基建设”进展情况汇报",
        TemplateKind.KEY_TASKS,
        "{{ org.name }}基层党建重点任务及“三基建设”进展情况汇报",
        source("key-tasks"),
        "“三基建设”（基层组织、基础工作、基本能力）各地口径不一，请按本地要求补充。",
    ),
    "supervision": (
        "督导工作纪实",
        TemplateKind.SUPERVISION,
        "{{ org.name }}{{ period.name }}督导工作纪实",
        source("supervision"),
        "督导范围为本组织的下一级党组织。",
    ),
    "basic-info": (
        "党组织基本情况汇报",
        TemplateKind.BASIC_INFO,
        "{{ org.name }}基本情况汇报",
        source("basic-info"),
        "仿丰南区教育局党委汇报：党总支N个，党支部N个，党员N名，其中各下级组织……",
    ),
}


def sync_builtin_templates(**kwargs) -> None:
    """post_migrate: create missing built-ins and update changed ones (version + 1, audited)."""
    from django.db import connection

    from dangjian.audit.services import record_create, record_update, snapshot

    from .models import ReportTemplate

    if ReportTemplate._meta.db_table not in connection.introspection.table_names():
        return
    for code, (name, kind, title, body, description) in BUILTINS.items():
        found = ReportTemplate.objects.filter(organization__isnull=True, code=code).first()
        if found is None:
            created = ReportTemplate.objects.create(
                code=code, name=name, kind=kind, title=title, body=body, description=description
            )
            record_create(created, acting_user=None, message="内置模板")
            continue
        wanted = {"name": name, "kind": kind, "title": title, "body": body, "description": description}
        if any(getattr(found, attr) != value for attr, value in wanted.items()):
            before = snapshot(found)
            for attr, value in wanted.items():
                setattr(found, attr, value)
            found.version += 1
            found.save()
            record_update(found, before, acting_user=None, message="内置模板更新")
