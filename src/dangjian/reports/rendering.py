"""Templates in a Jinja2 sandbox, figures placed as tokens, and the body's simple block markup.

A template sees plain data only (ADR 016): the organization and its children as dicts, the period, and
the functions `figure(key, style, org)` (places a marked figure, returns its token), `value(key, org)`
(the bare number, for conditions only) and `has(key)`. There is no loader, so include/extends/import
fail; the sandbox refuses underscore attributes and unsafe callables; huge ranges, powers and repeated
strings are refused, so a template cannot reach settings, the ORM, files or the process.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from dangjian.core.figure_format import format_figure
from dangjian.core.figures import Period, figures, get_figure

from .choices import FigureStyle

MAX_OUTPUT = 200_000  # characters a template may produce
MAX_SEQUENCE = 10_000  # longest string or list a `*` may build
TOKEN_RE = re.compile(r"〔数:([^〔〕]+)〕")
H1_RE = re.compile(r"^[一二三四五六七八九十]+、")
H2_RE = re.compile(r"^（[一二三四五六七八九十]+）")
H3_RE = re.compile(r"^\d+[.．]")


class ReportSandbox(SandboxedEnvironment):
    """The sandbox, also bounding `*` and `**` (a template must not exhaust memory)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise SecurityError("模板中的乘方过大。")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    if len(seq) * times > MAX_SEQUENCE:
                        raise SecurityError("模板中的重复内容过长。")
        return super().call_binop(context, operator, left, right)


def environment() -> ReportSandbox:
    env = ReportSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.globals.clear()  # no range/dict/lipsum/cycler/joiner/namespace beyond what is given below
    env.globals["range"] = bounded_range
    return env


def bounded_range(*args) -> range:
    found = range(*args)
    if len(found) > 1000:
        raise SecurityError("模板中的循环次数过多（不超过1000次）。")
    return found


def template_error(error: Exception, field_label: str) -> ValidationError:
    line = getattr(error, "lineno", None)
    where = f"第{line}行" if line else ""
    message = getattr(error, "message", None) or str(error)
    return ValidationError(f"{field_label}{where}有误：{message}")


FORBIDDEN_NODES = (nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)


def parse(env, source: str) -> nodes.Template:
    """The template's tree; include/extends/import are refused before anything runs."""
    tree = env.parse(source)
    for node in tree.find_all(FORBIDDEN_NODES):
        error = SecurityError("模板中不能引用其他模板或文件（include/extends/import）。")
        error.lineno = node.lineno
        raise error
    return tree


def check_syntax(source: str, field_label: str = "正文模板") -> None:
    """Refuse a template that does not compile (a Chinese message naming the field and line)."""
    try:
        parse(environment(), source)
    except (TemplateSyntaxError, SecurityError) as error:
        raise template_error(error, field_label) from error


@dataclass
class Placement:
    """A figure the template placed: its token number and what it counts."""

    number: int
    key: str
    organization: Any
    period: Period
    style: str
    value: Any
    text: str


def value_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def format_value(value, unit: str, style: str) -> str:
    """The Chinese way of writing a figure ("1356名", "800余人次"; core.figure_format)."""
    return format_figure(value, unit, style)


@dataclass
class Renderer:
    """Renders one template for one organization and period, collecting the figures it places."""

    organization: Any
    period: Period
    start_number: int = 1
    placements: list[Placement] = field(default_factory=list)

    def __post_init__(self):
        from dangjian.organizations.models import Organization

        rows = Organization.objects.get_children(self.organization).active().order_by("path")
        self.children = {child.code: child for child in rows}

    def _organization(self, org):
        if org in (None, "", self.organization.code):
            return self.organization
        code = org.get("code") if isinstance(org, dict) else str(org)
        try:
            return self.children[code]
        except KeyError:
            raise SecurityError(f"只能统计本组织或其下一级组织：{code}") from None

    def figure(self, key, style=None, org=None):
        spec = get_figure(str(key))
        style = style or spec.style  # the figure's own way (e.g. 余 for 字数) unless the template says
        if style not in FigureStyle.values:
            raise SecurityError(f"未知的数字写法：{style}")
        organization = self._organization(org)
        value = spec.value(organization, self.period)
        number = self.start_number + len(self.placements)
        text = format_value(value, spec.unit, style)
        self.placements.append(Placement(number, spec.key, organization, self.period, style, value, text))
        return f"〔数:{number}〕"

    def value(self, key, org=None):
        return get_figure(str(key)).value(self._organization(org), self.period)

    def context(self) -> dict:
        org, period = self.organization, self.period
        return {
            "org": org_dict(org),
            "children": [org_dict(child) for child in self.children.values()],
            "period": {
                "start": period.start,
                "end": period.end,
                "label": str(period),
                "name": period_name(period),
                "end_label": f"{period.end.year}年{period.end.month}月{period.end.day}日",
                "year": period.end.year,
            },
            "figure": self.figure,
            "value": self.value,
            "has": lambda key: str(key) in figures,
        }

    def render(self, source: str, field_label: str = "正文模板") -> str:
        source = source.replace("\\\r\n", "").replace("\\\n", "")  # a trailing backslash continues the line
        try:
            env = environment()
            text = env.from_string(parse(env, source)).render(self.context())
        except TemplateError as error:  # includes SecurityError and UndefinedError
            raise template_error(error, field_label) from error
        except KeyError as error:  # get_figure: an unregistered key
            raise ValidationError(f"{field_label}有误：{error.args[0]}") from error
        if len(text) > MAX_OUTPUT:
            raise ValidationError(f"{field_label}生成的内容过长（超过{MAX_OUTPUT}字）。")
        return text


def org_dict(org) -> dict:
    return {
        "id": org.pk,
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
    }


def tidy(text: str) -> str:
    """One block per line: trim each line and drop empty ones (templates may indent freely)."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class BodyBlock:
    kind: str  # h1 / h2 / h3 / p
    text: str


def blocks(body: str) -> list[BodyBlock]:
    """The body's blocks: 一、 → h1, （一） → h2, 1. → h3 (a short line), everything else a paragraph."""
    result = []
    for line in tidy(body).splitlines():
        if H1_RE.match(line):
            kind = "h1"
        elif H2_RE.match(line):
            kind = "h2"
        elif H3_RE.match(line) and len(line) <= 40:
            kind = "h3"
        else:
            kind = "p"
        result.append(BodyBlock(kind, line))
    return result


def substitute(text: str, uses: dict[str, Any], replace) -> str:
    """Replace each 〔数:N〕 by `replace(use)` (a token without a row is kept as written)."""

    def swap(match):
        use = uses.get(match.group(1))
        return replace(use) if use is not None else match.group(0)

    return TOKEN_RE.sub(swap, text)


def period_name(period: Period) -> str:
    """2025年 / 2025年上半年 / 2025年下半年, else the dates."""
    start, end = period.start, period.end
    if start.year == end.year and start.day == 1 and (end.month, end.day) in ((6, 30), (12, 31)):
        if (start.month, end.month) == (1, 12):
            return f"{start.year}年"
        if (start.month, end.month) in ((1, 6), (7, 12)):
            return f"{start.year}年{'上' if start.month == 1 else '下'}半年"
    return str(period)
