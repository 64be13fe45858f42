"""Official document layout (党政机关公文格式, GB/T 9704-2012) rendered as .docx.

The layout values live in LAYOUT (tests import them); python-docx writes the document, raw OXML fills in
what it has no API for: the document grid (22 lines of 28 characters), East Asian font names, the
even/odd page-number footers and the PAGE field. Why each value is what it is: ADR 017.
"""

import io
import math
import re
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips
from lxml import etree

__all__ = [
    "FONTS",
    "LAYOUT",
    "STYLE_IDS",
    "Block",
    "Layout",
    "OfficialDocument",
    "chinese_numeral",
    "format_date",
    "mm_to_twips",
    "render_docx",
]

TWIPS_PER_MM = 1440 / 25.4


def mm_to_twips(mm: float) -> int:
    """Millimetres to twips (1/20 pt), the unit of every OOXML page measure."""
    return round(mm * TWIPS_PER_MM)


@dataclass(frozen=True)
class Layout:
    """The GB/T 9704-2012 values (sizes in mm and pt); twips are derived so one value has one source."""

    page_width_mm: float = 210
    page_height_mm: float = 297
    top_mm: float = 37  # 天头
    left_mm: float = 28  # 订口
    text_width_mm: float = 156  # 版心宽
    text_height_mm: float = 225  # 版心高
    lines_per_page: int = 22
    chars_per_line: int = 28
    title_pt: float = 22  # 2号
    body_pt: float = 16  # 3号
    page_number_pt: float = 14  # 4号
    page_number_gap_mm: float = 7  # 一字线上距版心下边缘
    first_line_indent_chars: int = 2
    # "lines", not "linesAndChars": LibreOffice gives every CJK character two cells of a character grid
    # whose pitch is below the font size (14 characters a line, measured), so the 28 characters come from
    # the character spacing below, which Word and LibreOffice lay out alike. charSpace is still written,
    # for a user who switches Word's grid to lines and characters (ADR 017).
    grid_type: str = "lines"
    signature_right_chars: int = 2  # 发文机关署名右空二字
    date_shift_chars: int = 2  # 成文日期首字比署名首字右移二字

    @property
    def right_mm(self) -> float:
        return self.page_width_mm - self.left_mm - self.text_width_mm

    @property
    def bottom_mm(self) -> float:
        return self.page_height_mm - self.top_mm - self.text_height_mm

    @property
    def page_width_twips(self) -> int:
        return mm_to_twips(self.page_width_mm)

    @property
    def page_height_twips(self) -> int:
        return mm_to_twips(self.page_height_mm)

    @property
    def top_twips(self) -> int:
        return mm_to_twips(self.top_mm)

    @property
    def left_twips(self) -> int:
        return mm_to_twips(self.left_mm)

    @property
    def right_twips(self) -> int:
        return mm_to_twips(self.right_mm)

    @property
    def bottom_twips(self) -> int:
        return mm_to_twips(self.bottom_mm)

    @property
    def text_width_twips(self) -> int:
        return self.page_width_twips - self.left_twips - self.right_twips

    @property
    def text_height_twips(self) -> int:
        return self.page_height_twips - self.top_twips - self.bottom_twips

    @property
    def line_pitch_twips(self) -> int:
        """225 mm / 22 lines, rounded down so that 22 whole lines fit the text block (579 = 28.95 pt)."""
        return self.text_height_twips // self.lines_per_page

    @property
    def char_pitch_pt(self) -> float:
        return self.text_width_twips / 20 / self.chars_per_line

    @property
    def char_space(self) -> int:
        """docGrid charSpace: the grid pitch minus the body font size, in 1/4096 pt, rounded down.

        Word counts floor(text width / pitch) characters a line, so rounding up would give 27.
        """
        return math.floor((self.char_pitch_pt - self.body_pt) * 4096)

    @property
    def char_spacing_twentieths(self) -> int:
        """Character spacing (w:spacing, 1/20 pt) that brings a 16 pt character down to the pitch, rounded
        down (-5 = -0.25 pt): 28 characters are 441 pt of the 442.25 pt line, 29 would not fit."""
        return math.floor((self.char_pitch_pt - self.body_pt) * 20)

    @property
    def char_twips(self) -> int:
        """One character of the grid in twips (indents of N characters)."""
        return round(self.char_pitch_pt * 20)

    @property
    def footer_twips(self) -> int:
        """Distance from the page's bottom edge to the bottom of the page-number line.

        The line (exactly one 4号 high) starts 7 mm below the text block.
        """
        line_mm = self.page_number_pt * 25.4 / 72
        return mm_to_twips(self.bottom_mm - self.page_number_gap_mm - line_mm)


LAYOUT = Layout()

# Font names as a government office's Word knows them; fonts/fonts.conf maps them to the installed CJK
# fonts when LibreOffice renders (ADR 017). The second name is Word's fallback (fontTable altName).
FONTS = {
    "title": ("方正小标宋简体", "宋体"),
    "body": ("仿宋_GB2312", "仿宋"),
    "h1": ("黑体", "SimHei"),
    "h2": ("楷体_GB2312", "楷体"),
    "h3": ("仿宋_GB2312", "仿宋"),
    "page_number": ("宋体", "SimSun"),
}

# kind of block -> paragraph style id
STYLE_IDS = {
    "title": "OfficialTitle",
    "recipients": "OfficialRecipients",
    "h1": "OfficialHeading1",
    "h2": "OfficialHeading2",
    "h3": "OfficialHeading3",
    "p": "Normal",
    "signature": "OfficialSignature",
    "page_number": "OfficialPageNumber",
}
_STYLE_NAMES = {
    "OfficialTitle": "公文标题",
    "OfficialRecipients": "主送机关",
    "OfficialHeading1": "一级标题",
    "OfficialHeading2": "二级标题",
    "OfficialHeading3": "三级标题",
    "OfficialSignature": "署名和日期",
    "OfficialPageNumber": "页码",
}


@dataclass
class Block:
    """One paragraph of the body: kind "h1" (一、), "h2" (（一）), "h3" (1.) or "p"."""

    kind: str
    text: str


@dataclass
class OfficialDocument:
    """A document to lay out: title, body blocks, and the issuer and date that close it."""

    title: str
    blocks: list[Block]
    issuer: str
    issued_on: date
    recipients: str = ""


# ---------------------------------------------------------------------------------------------- numbering
_DIGITS = "零一二三四五六七八九"
_PREFIXES = {
    "h1": re.compile(r"^[一二三四五六七八九十百]+、"),
    "h2": re.compile(r"^[（(][一二三四五六七八九十百]+[）)]"),
    "h3": re.compile(r"^\d+[.．]"),
}


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (heading numbers never go higher)."""
    if not 0 < n < 100:
        raise ValueError(f"标题序号超出范围：{n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def _heading_text(kind: str, text: str, counters: dict[str, int]) -> str:
    """Give a heading its level's number unless it already carries one; lower levels restart."""
    counters[kind] += 1
    levels = ("h1", "h2", "h3")
    for lower in levels[levels.index(kind) + 1 :]:
        counters[lower] = 0
    if _PREFIXES[kind].match(text):
        return text
    n = counters[kind]
    prefix = {"h1": f"{chinese_numeral(n)}、", "h2": f"（{chinese_numeral(n)}）", "h3": f"{n}."}[kind]
    return prefix + text


def format_date(d: date) -> str:
    """成文日期 in Arabic numerals without padding: 2026年11月29日."""
    return f"{d.year}年{d.month}月{d.day}日"


AUTOSPACE_CHARS = 0.2  # the gap Word and LibreOffice put between Chinese and digits (measured: 3.2 pt)


def _width_in_chars(text: str) -> float:
    """Width in body characters: ASCII (the date's digits) is half a character, and each change between
    Chinese and ASCII adds the renderers' automatic spacing ("2026年11月29日" is 3 + 4 + 5 × 0.2 = 8)."""
    narrow = [ord(ch) < 128 for ch in text]
    changes = sum(a != b for a, b in zip(narrow, narrow[1:], strict=False))
    return sum(0.5 if n else 1 for n in narrow) + changes * AUTOSPACE_CHARS


# ------------------------------------------------------------------------------------------------- OXML
def _set_fonts(rpr, name: str) -> None:
    """Name the font for every script, East Asian included (python-docx sets only ascii/hAnsi)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # theme fonts would win over the names
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _child(parent, tag: str, **attrs):
    """The parent's child element `tag` (created if missing) with the attributes set."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


# CT_PPr's children in schema order (ECMA-376 §17.3.1.26): Word rejects a document whose order is off.
_PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
    "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]  # fmt: skip


def _ppr_child(ppr, name: str, **attrs):
    """pPr's child `w:name`, replacing any present, inserted at its place in the schema order."""
    for old in ppr.findall(qn(f"w:{name}")):
        ppr.remove(old)
    element = OxmlElement(f"w:{name}")
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    later = set(_PPR_ORDER[_PPR_ORDER.index(name) + 1 :])
    for index, sibling in enumerate(ppr):
        if etree.QName(sibling).localname in later:
            ppr.insert(index, element)
            return element
    ppr.append(element)
    return element


def _indent(ppr, *, first_chars: float = 0, left_chars: float = 0, right_chars: float = 0) -> None:
    """Indents in characters (Word's *Chars attributes) and in twips (what LibreOffice reads)."""
    ind = _ppr_child(ppr, "ind")
    c = LAYOUT.char_twips
    ind.set(qn("w:left"), str(round(left_chars * c)))
    ind.set(qn("w:leftChars"), str(round(left_chars * 100)))
    ind.set(qn("w:right"), str(round(right_chars * c)))
    ind.set(qn("w:rightChars"), str(round(right_chars * 100)))
    ind.set(qn("w:firstLine"), str(round(first_chars * c)))
    ind.set(qn("w:firstLineChars"), str(round(first_chars * 100)))


def _character_spacing(rpr, twentieths: int) -> None:
    """w:spacing in a run's properties, placed before w:sz as the schema orders it."""
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twentieths))
    for tag in ("w:w", "w:kern", "w:position", "w:sz", "w:szCs"):
        successor = rpr.find(qn(tag))
        if successor is not None:
            successor.addprevious(spacing)
            return
    rpr.append(spacing)


def _doc_defaults(document) -> None:
    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, FONTS["body"][0])
    size = str(round(LAYOUT.body_pt * 2))
    _child(rpr, "w:sz", val=size)
    _child(rpr, "w:szCs", val=size)
    _child(rpr, "w:lang", val="zh-CN", eastAsia="zh-CN", bidi="ar-SA")
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _child(ppr, "w:spacing", after="0", line=str(LAYOUT.line_pitch_twips), lineRule="exact")


def _paragraph_style(document, style_id: str, *, base: str | None = "Normal"):
    if style_id == "Normal":
        return document.styles["Normal"]
    style = document.styles.add_style(_STYLE_NAMES[style_id], WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    if base:
        style.base_style = document.styles["Normal"]
    style.quick_style = True
    return style


def _style_font(style, font_key: str, size_pt: float, *, bold: bool = False) -> None:
    style.font.size = Pt(size_pt)
    style.font.bold = bold
    _set_fonts(style.element.get_or_add_rPr(), FONTS[font_key][0])


def _define_styles(document) -> None:
    """Normal is the body (3号仿宋, exact 28.95 pt lines, 2-character first-line indent, justified)."""
    normal = _paragraph_style(document, "Normal")
    _style_font(normal, "body", LAYOUT.body_pt)
    _character_spacing(normal.element.get_or_add_rPr(), LAYOUT.char_spacing_twentieths)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LAYOUT.line_pitch_twips)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False  # a page holds 22 lines, never fewer
    _indent(normal.element.get_or_add_pPr(), first_chars=LAYOUT.first_line_indent_chars)

    title = _paragraph_style(document, "OfficialTitle")
    _style_font(title, "title", LAYOUT.title_pt)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _indent(title.element.get_or_add_pPr())
    _ppr_child(title.element.get_or_add_pPr(), "outlineLvl", val="0")

    for level, (style_id, font_key, bold) in enumerate(
        [
            ("OfficialHeading1", "h1", False),
            ("OfficialHeading2", "h2", False),
            ("OfficialHeading3", "h3", True),
        ],
        start=1,
    ):
        heading = _paragraph_style(document, style_id)
        _style_font(heading, font_key, LAYOUT.body_pt, bold=bold)
        heading.paragraph_format.keep_with_next = True
        _ppr_child(heading.element.get_or_add_pPr(), "outlineLvl", val=str(level))

    recipients = _paragraph_style(document, "OfficialRecipients")
    recipients.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _indent(recipients.element.get_or_add_pPr())

    signature = _paragraph_style(document, "OfficialSignature")
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _indent(signature.element.get_or_add_pPr())

    number = _paragraph_style(document, "OfficialPageNumber")
    _style_font(number, "page_number", LAYOUT.page_number_pt)
    number_fmt = number.paragraph_format
    number_fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    number_fmt.line_spacing = Pt(LAYOUT.page_number_pt)
    _ppr_child(number.element.get_or_add_pPr(), "snapToGrid", val="0")
    _indent(number.element.get_or_add_pPr())


def _font_table(document) -> None:
    """Declare each font with Word's fallback name (altName) and the GB2312 charset."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))

    root = etree.fromstring(part.blob)  # noqa: S320 - python-docx's own template, not user input
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, alt in {v[0]: v[1] for v in FONTS.values()}.items():
        if name in known:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alt)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width = Twips(LAYOUT.page_width_twips)
    section.page_height = Twips(LAYOUT.page_height_twips)
    section.top_margin = Twips(LAYOUT.top_twips)
    section.bottom_margin = Twips(LAYOUT.bottom_twips)
    section.left_margin = Twips(LAYOUT.left_twips)
    section.right_margin = Twips(LAYOUT.right_twips)
    section.gutter = Twips(0)
    section.header_distance = Twips(mm_to_twips(15))
    section.footer_distance = Twips(LAYOUT.footer_twips)
    grid = _child(section._sectPr, "w:docGrid")
    grid.set(qn("w:type"), LAYOUT.grid_type)
    grid.set(qn("w:linePitch"), str(LAYOUT.line_pitch_twips))
    grid.set(qn("w:charSpace"), str(LAYOUT.char_space))
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], outer="right")
    _page_number(section.even_page_footer.paragraphs[0], outer="left")


def _page_number(paragraph, *, outer: str) -> None:
    """ "— 1 —" at the outer side, one character from the text block's edge (odd right, even left)."""
    paragraph._p.style = STYLE_IDS["page_number"]
    ppr = paragraph._p.get_or_add_pPr()
    if outer == "right":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent(ppr, right_chars=1)
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _indent(ppr, left_chars=1)
    paragraph.add_run("— ")
    _field_char(paragraph, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    paragraph.add_run()._r.append(instr)
    _field_char(paragraph, "separate")
    paragraph.add_run("1")  # the cached value; every renderer recomputes it per page
    _field_char(paragraph, "end")
    paragraph.add_run(" —")


def _field_char(paragraph, kind: str) -> None:
    _child(paragraph.add_run()._r, "w:fldChar", fldCharType=kind)


def _add(document, kind: str, text: str):
    paragraph = document.add_paragraph(text)
    if STYLE_IDS[kind] != "Normal":
        # the id straight into pPr: python-docx's by-name lookup scans every style for every paragraph
        paragraph._p.style = STYLE_IDS[kind]
    return paragraph


def _signature(document, issuer: str, issued_on: date | None) -> None:
    """署名 right-spaced two characters, 日期 below it starting two characters further right."""
    dated = format_date(issued_on) if issued_on else ""
    issuer_right = float(LAYOUT.signature_right_chars)
    date_right = issuer_right + _width_in_chars(issuer) - LAYOUT.date_shift_chars - _width_in_chars(dated)
    if date_right < LAYOUT.signature_right_chars:  # a long date keeps its two; the issuer moves left
        issuer_right += LAYOUT.signature_right_chars - date_right
        date_right = LAYOUT.signature_right_chars
    document.add_paragraph()  # 正文下空一行
    for text, right in ((issuer, issuer_right), (dated, date_right)):
        if text:
            paragraph = _add(document, "signature", text)
            _indent(paragraph._p.get_or_add_pPr(), right_chars=right)


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as .docx bytes in the GB/T 9704-2012 layout."""
    document = Document()
    _doc_defaults(document)
    _define_styles(document)
    _font_table(document)
    _page_setup(document)
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)  # the template's empty first paragraph

    _add(document, "title", doc.title)
    document.add_paragraph()  # 标题下空一行
    if doc.recipients:
        recipients = doc.recipients.rstrip("：:")
        _add(document, "recipients", f"{recipients}：")
    counters = {"h1": 0, "h2": 0, "h3": 0}
    for block in doc.blocks:
        if block.kind not in ("h1", "h2", "h3", "p"):
            raise ValueError(f"未知的段落类型：{block.kind}")
        for line in (part.strip() for part in block.text.splitlines()):
            if not line:
                continue
            text = _heading_text(block.kind, line, counters) if block.kind != "p" else line
            _add(document, block.kind, text)
    _signature(document, doc.issuer, doc.issued_on)

    props = document.core_properties
    props.title = doc.title
    props.author = props.last_modified_by = doc.issuer or "dangjian"
    props.language = "zh-CN"
    props.comments = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
