"""The .docx layout values of GB/T 9704-2012, read back from the XML that render_docx writes."""

import io
import zipfile
from datetime import date

import docx
import pytest
from lxml import etree

from dangjian.reports.officedoc import (
    FONTS,
    LAYOUT,
    STYLE_IDS,
    Block,
    OfficialDocument,
    chinese_numeral,
    format_date,
    mm_to_twips,
    render_docx,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W}
TWIPS_PER_MM = 1440 / 25.4
PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
    "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]  # fmt: skip
RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
    "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
    "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
]  # fmt: skip


def w(name):
    return f"{{{W}}}{name}"


def sample(**overrides):
    values = {
        "title": "中共示范区教育局委员会关于2026年党建工作情况的汇报",
        "blocks": [
            Block("h1", "工作进展及主要做法"),
            Block("h2", "强化政治引领"),
            Block("p", "教育局党委坚持以习近平新时代中国特色社会主义思想为指导。"),
            Block("h3", "抓好理论学习"),
            Block("p", "全年组织集中学习12次。"),
            Block("h2", "（二）夯实基层基础"),
            Block("h3", "健全组织体系"),
            Block("h1", "存在问题"),
            Block("p", "第一段。\n\n第二段。"),
        ],
        "issuer": "中共示范区教育局委员会",
        "issued_on": date(2026, 11, 29),
        "recipients": "区委组织部",
    }
    values.update(overrides)
    return OfficialDocument(**values)


class Package:
    """The parts of a rendered .docx, parsed."""

    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.document = self.part("word/document.xml")
        self.styles = self.part("word/styles.xml")
        self.settings = self.part("word/settings.xml")
        rels = self.part("word/_rels/document.xml.rels")
        self.targets = {r.get("Id"): r.get("Target") for r in rels}

    def part(self, name):
        return etree.fromstring(self.zip.read(name))

    @property
    def sect(self):
        return self.document.find("w:body/w:sectPr", NS)

    def style(self, style_id):
        found = self.styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        assert found is not None, style_id
        return found

    def footer(self, kind):
        ref = self.sect.find(f"w:footerReference[@w:type='{kind}']", NS)
        return self.part("word/" + self.targets[ref.get(f"{{{R}}}id")])

    def paragraphs(self):
        """(style id, text, pPr) of each body paragraph."""
        out = []
        for p in self.document.findall("w:body/w:p", NS):
            style = p.find("w:pPr/w:pStyle", NS)
            text = "".join(t.text or "" for t in p.iter(w("t")))
            out.append((style.get(w("val")) if style is not None else "Normal", text, p.find("w:pPr", NS)))
        return out


@pytest.fixture(scope="module")
def pkg():
    return Package(render_docx(sample()))


def attr(element, path, name):
    found = element.find(path, NS)
    assert found is not None, path
    return found.get(w(name))


def test_page_is_a4_with_the_standard_margins(pkg):
    size = pkg.sect.find("w:pgSz", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
    assert abs(int(size.get(w("w"))) / TWIPS_PER_MM - 210) < 0.05
    assert abs(int(size.get(w("h"))) / TWIPS_PER_MM - 297) < 0.05
    margins = {k: int(pkg.sect.find("w:pgMar", NS).get(w(k))) for k in ("top", "left", "right", "bottom")}
    assert margins == {"top": 2098, "left": 1587, "right": 1474, "bottom": 1984}
    assert abs(margins["top"] / TWIPS_PER_MM - 37) < 0.05
    assert abs(margins["left"] / TWIPS_PER_MM - 28) < 0.05
    # the text block (版心) is 156 × 225 mm
    assert abs((11906 - margins["left"] - margins["right"]) / TWIPS_PER_MM - 156) < 0.05
    assert abs((16838 - margins["top"] - margins["bottom"]) / TWIPS_PER_MM - 225) < 0.05
    assert pkg.sect.find("w:pgMar", NS).get(w("gutter")) == "0"


def test_layout_constants_derive_from_the_standard():
    assert (LAYOUT.right_mm, LAYOUT.bottom_mm) == (26, 35)
    assert mm_to_twips(37) == LAYOUT.top_twips == 2098
    assert LAYOUT.line_pitch_twips == 579  # 28.95 pt, the figure every GB/T 9704 template uses
    assert LAYOUT.char_space == -842


def test_grid_gives_22_lines_of_28_characters(pkg):
    grid = pkg.sect.find("w:docGrid", NS)
    pitch = int(grid.get(w("linePitch")))
    text_height = 16838 - 2098 - 1984
    assert text_height // pitch == 22
    assert grid.get(w("type")) == LAYOUT.grid_type
    # charSpace (1/4096 pt over the 16 pt default) makes a 28-character grid of the 156 mm line
    char_pitch = 16 + int(grid.get(w("charSpace"))) / 4096
    line_pt = (11906 - 1587 - 1474) / 20
    assert int(line_pt // char_pitch) == 28
    # every body line is exactly 28.95 pt high
    normal = pkg.style("Normal")
    spacing = normal.find("w:pPr/w:spacing", NS)
    assert (spacing.get(w("line")), spacing.get(w("lineRule"))) == ("579", "exact")
    assert normal.find("w:pPr/w:widowControl", NS).get(w("val")) == "0"
    # character spacing brings 28 characters of 3号 into the line, and not 29
    tracking = int(attr(normal, "w:rPr/w:spacing", "val")) / 20
    assert int(line_pt // (16 + tracking)) == 28


@pytest.mark.parametrize(
    ("kind", "font", "half_points", "bold"),
    [
        ("title", "方正小标宋简体", "44", False),
        ("p", "仿宋_GB2312", "32", False),
        ("h1", "黑体", None, False),
        ("h2", "楷体_GB2312", None, False),
        ("h3", "仿宋_GB2312", None, True),
        ("page_number", "宋体", "28", False),
    ],
)
def test_each_style_names_its_font_for_every_script(pkg, kind, font, half_points, bold):
    style = pkg.style(STYLE_IDS[kind])
    fonts = style.find("w:rPr/w:rFonts", NS)
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        assert fonts.get(w(script)) == font, script
    assert not [a for a in fonts.attrib if "Theme" in a]  # a theme font would override the name
    size = style.find("w:rPr/w:sz", NS)
    if half_points:
        assert size.get(w("val")) == half_points
    else:
        assert size is None or size.get(w("val")) == "32"  # headings are 3号 like the body
        assert style.find("w:basedOn", NS).get(w("val")) == "Normal"
    b = style.find("w:rPr/w:b", NS)
    assert (b is not None and b.get(w("val")) in (None, "1", "true")) is bold


def test_defaults_are_chinese_fangsong_16pt(pkg):
    rpr = pkg.styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert attr(rpr, "w:rFonts", "eastAsia") == "仿宋_GB2312"
    assert attr(rpr, "w:sz", "val") == "32"
    assert attr(rpr, "w:lang", "eastAsia") == "zh-CN"


def test_font_table_declares_fallbacks():
    table = Package(render_docx(sample())).part("word/fontTable.xml")
    alt = {f.get(w("name")): f.find("w:altName", NS) for f in table}
    for name, fallback in FONTS.values():
        assert alt[name].get(w("val")) == fallback, name


def test_alignment_and_indents(pkg):
    assert attr(pkg.style("OfficialTitle"), "w:pPr/w:jc", "val") == "center"
    assert attr(pkg.style("OfficialTitle"), "w:pPr/w:ind", "firstLine") == "0"
    assert attr(pkg.style("Normal"), "w:pPr/w:jc", "val") == "both"
    ind = pkg.style("Normal").find("w:pPr/w:ind", NS)
    assert ind.get(w("firstLineChars")) == "200"
    assert abs(int(ind.get(w("firstLine"))) / 20 - 2 * LAYOUT.char_pitch_pt) < 0.5
    assert attr(pkg.style("OfficialRecipients"), "w:pPr/w:ind", "firstLine") == "0"
    assert attr(pkg.style("OfficialSignature"), "w:pPr/w:jc", "val") == "right"
    for style_id in ("OfficialHeading1", "OfficialHeading2", "OfficialHeading3"):
        # headings inherit the body's indent and keep with the paragraph that follows
        assert pkg.style(style_id).find("w:pPr/w:keepNext", NS) is not None
        assert pkg.style(style_id).find("w:pPr/w:ind", NS) is None


def test_paragraphs_in_order_with_numbers(pkg):
    texts = [(style, text) for style, text, _ in pkg.paragraphs()]
    assert texts[0] == ("OfficialTitle", "中共示范区教育局委员会关于2026年党建工作情况的汇报")
    assert texts[1] == ("Normal", "")  # 标题下空一行
    assert texts[2] == ("OfficialRecipients", "区委组织部：")
    assert texts[3:12] == [
        ("OfficialHeading1", "一、工作进展及主要做法"),
        ("OfficialHeading2", "（一）强化政治引领"),
        ("Normal", "教育局党委坚持以习近平新时代中国特色社会主义思想为指导。"),
        ("OfficialHeading3", "1.抓好理论学习"),
        ("Normal", "全年组织集中学习12次。"),
        ("OfficialHeading2", "（二）夯实基层基础"),
        ("OfficialHeading3", "1.健全组织体系"),
        ("OfficialHeading1", "二、存在问题"),
        ("Normal", "第一段。"),
    ]
    assert texts[12] == ("Normal", "第二段。")


def test_issuer_and_date_close_the_document(pkg):
    paragraphs = pkg.paragraphs()
    (_, blank, _), (s1, issuer, p1), (s2, dated, p2) = paragraphs[-3:]
    assert blank == ""
    assert (s1, issuer) == ("OfficialSignature", "中共示范区教育局委员会")
    assert (s2, dated) == ("OfficialSignature", "2026年11月29日")
    right1 = int(attr(p1, "w:ind", "rightChars")) / 100
    right2 = int(attr(p2, "w:ind", "rightChars")) / 100
    assert right1 == 2  # 署名右空二字
    # the date's first character stands two characters right of the issuer's (digits are half width,
    # and the renderers put 0.2 character between digits and Chinese: five times in this date)
    issuer_start = right1 + len(issuer)
    date_start = right2 + 3 + 8 * 0.5 + 5 * 0.2
    assert issuer_start - date_start == pytest.approx(2)


def test_a_date_longer_than_the_issuer_keeps_two_characters_and_pushes_the_issuer_left():
    pkg = Package(render_docx(sample(issuer="某党支部")))
    (_, issuer, p1), (_, dated, p2) = pkg.paragraphs()[-2:]
    assert int(attr(p2, "w:ind", "rightChars")) == 200
    assert (int(attr(p1, "w:ind", "rightChars")) / 100 + 4) - (2 + 8) == 2


def test_date_in_arabic_numerals_without_padding():
    assert format_date(date(2026, 1, 5)) == "2026年1月5日"
    assert format_date(date(2026, 11, 29)) == "2026年11月29日"


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九")])
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


def test_unknown_block_kind_is_refused():
    with pytest.raises(ValueError, match="未知的段落类型"):
        render_docx(sample(blocks=[Block("h4", "x")]))


def test_page_numbers_outer_side_with_dashes(pkg):
    assert pkg.settings.find("w:evenAndOddHeaders", NS) is not None
    for kind, side in (("default", "right"), ("even", "left")):
        footer = pkg.footer(kind)
        p = footer.find("w:p", NS)
        assert attr(p, "w:pPr/w:pStyle", "val") == "OfficialPageNumber"
        assert attr(p, "w:pPr/w:jc", "val") == side
        assert attr(p, "w:pPr/w:ind", f"{side}Chars") == "100"  # 空一字
        texts = [t.text for t in p.iter(w("t"))]
        assert texts[0] == "— " and texts[-1] == " —"
        instr = "".join(t.text for t in p.iter(w("instrText")))
        assert instr.strip() == "PAGE"
        kinds = [f.get(w("fldCharType")) for f in p.iter(w("fldChar"))]
        assert kinds == ["begin", "separate", "end"]
    # the page number line begins 7 mm below the text block
    footer_mm = int(pkg.sect.find("w:pgMar", NS).get(w("footer"))) / TWIPS_PER_MM
    line_mm = 14 * 25.4 / 72
    assert abs((297 - footer_mm - line_mm) - (297 - 35 + 7)) < 0.1
    assert attr(pkg.style("OfficialPageNumber"), "w:pPr/w:snapToGrid", "val") == "0"


def test_outline_levels_for_navigation(pkg):
    styles = ("OfficialTitle", "OfficialHeading1", "OfficialHeading2", "OfficialHeading3")
    levels = [attr(pkg.style(s), "w:pPr/w:outlineLvl", "val") for s in styles]
    assert levels == ["0", "1", "2", "3"]


def test_properties_are_in_schema_order(pkg):
    """Word refuses a document whose pPr/rPr children are out of order; LibreOffice forgives it."""
    parts = [pkg.document, pkg.styles, pkg.footer("default"), pkg.footer("even")]
    for part in parts:
        for tag, order in (("pPr", PPR_ORDER), ("rPr", RPR_ORDER)):
            for props in part.iter(w(tag)):
                names = [etree.QName(c).localname for c in props]
                positions = [order.index(n) for n in names]
                assert positions == sorted(positions), names


def test_python_docx_reads_it_back():
    document = docx.Document(io.BytesIO(render_docx(sample())))
    assert document.core_properties.title.startswith("中共示范区")
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.1)
    assert document.paragraphs[0].text.endswith("汇报")
