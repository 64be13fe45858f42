"""The GB/T 9704-2012 layout as LibreOffice renders it: the .docx converted to PDF and measured with poppler.

Skipped where soffice or poppler-utils are missing (CI installs both, .ci/run).
"""

import re
import shutil
import stat
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from dangjian.reports import pdf
from dangjian.reports.officedoc import Block, OfficialDocument, render_docx

PT_PER_MM = 72 / 25.4
needs_soffice = pytest.mark.skipif(not pdf.available(), reason="LibreOffice (soffice) is not installed")
needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo", "pdftohtml")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo, pdftohtml) are not installed",
)

# No punctuation: a line break never moves a character (避头尾), so every full line holds exactly 28.
LONG = "党的二十大以来教育局党委坚持以习近平新时代中国特色社会主义思想为指导全面贯彻党的教育方针" * 40


def report():
    return OfficialDocument(
        title="中共示范区教育局委员会关于2026年党建工作情况的汇报",
        blocks=[
            Block("h1", "工作进展及主要做法"),
            Block("h2", "强化政治引领"),
            Block("p", LONG),
            Block("h3", "抓好理论学习"),
            Block("p", "全年组织集中学习12次，交流研讨800余人次。"),
            Block("h1", "存在问题"),
            Block("p", LONG[:300]),
        ],
        issuer="中共示范区教育局委员会",
        issued_on=date(2026, 11, 29),
        recipients="区委组织部",
    )


FONTSPEC = re.compile(r'<fontspec id="(\d+)" size="(\d+)" family="[A-Z]{6}\+([^"]+)"')
TEXT = re.compile(r'<text [^>]*font="(\d+)">(.*?)</text>')
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def run(*command):
    return subprocess.run(command, capture_output=True, check=True, text=True, timeout=60).stdout  # noqa: S603


class Rendered:
    def __init__(self, path, seconds):
        self.path = str(path)
        self.seconds = seconds
        self.info = run("pdfinfo", self.path)
        self.pages = int(re.search(r"Pages:\s+(\d+)", self.info).group(1))

    def words(self, page):
        """(xMin, yMin, xMax, yMax in mm, text) of each word on a page."""
        out = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), self.path, "-")
        return [(*(float(v) / PT_PER_MM for v in m.groups()[:4]), m.group(5)) for m in WORD.finditer(out)]

    def fonts(self, page):
        """{text of a line: (font, size in pt)} as poppler reads the page."""
        pages = ("-f", str(page), "-l", str(page))
        out = run("pdftohtml", "-xml", "-i", "-zoom", "1", "-stdout", *pages, self.path)
        specs = {id_: (family, int(size)) for id_, size, family in FONTSPEC.findall(out)}
        return {re.sub(r"<[^>]+>", "", text): specs[font] for font, text in TEXT.findall(out)}

    def body_lines(self, page):
        """The text block's lines on a page: {rounded yMin: [words]} above the page number."""
        lines = {}
        for word in self.words(page):
            if word[1] < 297 - 35:
                lines.setdefault(round(word[1], 1), []).append(word)
        return lines


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if not pdf.available() or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or poppler-utils are not installed")
    started = time.monotonic()
    data = pdf.docx_to_pdf(render_docx(report()))
    seconds = time.monotonic() - started
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(data)
    print(f"docx -> pdf: {seconds:.2f} s")  # the figure ADR 017 quotes
    return Rendered(path, seconds)


@needs_soffice
@needs_poppler
class TestRenderedLayout:
    def test_a4_pages(self, rendered):
        width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", rendered.info).groups())
        assert abs(width / PT_PER_MM - 210) < 0.5
        assert abs(height / PT_PER_MM - 297) < 0.5
        assert rendered.pages >= 3

    def test_text_block_margins(self, rendered):
        lines = rendered.body_lines(2)
        left = min(word[0] for words in lines.values() for word in words)
        right = max(word[2] for words in lines.values() for word in words)
        assert abs(left - 28) < 1  # 订口 28 mm
        assert abs(right - (210 - 26)) < 1.5  # a justified line reaches the right edge of 156 mm
        # the first line's glyphs sit inside the first 28.95 pt line box, whose top is the 37 mm margin
        first = min(lines)
        pitch_mm = 225 / 22
        assert 37 - 0.5 <= first and max(w[3] for w in lines[first]) <= 37 + pitch_mm + 0.5
        assert max(w[3] for words in lines.values() for w in words) <= 297 - 35 + 0.5

    def test_22_lines_of_28_characters(self, rendered):
        lines = rendered.body_lines(2)  # page 2 is the long paragraph alone
        assert len(lines) == 22
        tops = sorted(lines)
        gaps = [b - a for a, b in zip(tops, tops[1:], strict=False)]
        assert all(abs(gap - 225 / 22) < 0.2 for gap in gaps), gaps  # 28.95 pt
        counts = Counter(len("".join(w[4] for w in words)) for words in lines.values())
        assert counts == {28: 22}

    def test_fonts_are_the_mapped_cjk_fonts(self, rendered):
        listing = run("pdffonts", rendered.path).splitlines()[2:]
        names = {line.split()[0].split("+")[-1] for line in listing}
        embedded = {line.split()[-5] for line in listing}
        # 仿宋/小标宋/宋体 -> UMing, 楷体 (the （一） heading) -> UKai, 黑体 (the 一、 heading) -> WenQuanYi
        assert names == {"UMingCN", "UKaiCN", "WenQuanYiZenHei"}, names
        assert embedded == {"yes"}

    def test_each_element_in_its_font_and_size(self, rendered):
        """Not only the right fonts somewhere: each element in the face its official font maps to."""
        first, last = rendered.fonts(1), rendered.fonts(rendered.pages)
        assert first["中共示范区教育局委员会关于 2026 年党建工"] == ("UMingCN", 22)  # 方正小标宋简体 2号
        assert first["区委组织部："] == ("UMingCN", 16)  # 仿宋_GB2312 3号
        assert first["一、工作进展及主要做法"] == ("WenQuanYiZenHei", 16)  # 黑体
        assert first["（一）强化政治引领"] == ("UKaiCN", 16)  # 楷体_GB2312
        assert first["— 1 —"] == ("UMingCN", 14)  # 宋体 4号
        assert last["中共示范区教育局委员会"] == ("UMingCN", 16)
        headings = {}
        for page in range(2, rendered.pages + 1):
            headings.update(rendered.fonts(page))
        assert headings["1.抓好理论学习"] == ("UMingCN", 16)  # 仿宋 (bold is synthesised)
        assert headings["二、存在问题"] == ("WenQuanYiZenHei", 16)

    def test_page_numbers_at_the_outer_side(self, rendered):
        for page in (1, 2, 3):
            footer = [w for w in rendered.words(page) if w[1] > 297 - 35]
            assert [w[4] for w in footer] == ["—", str(page), "—"]
            assert all(abs(w[1] - (297 - 35 + 7)) < 1.5 for w in footer)  # 7 mm below the text block
            if page % 2:
                assert abs(footer[-1][2] - (210 - 26 - 14 / PT_PER_MM)) < 1.5  # right, one 4号 character in
            else:
                assert abs(footer[0][0] - (28 + 14 / PT_PER_MM)) < 1.5

    def test_title_centred(self, rendered):
        words = rendered.words(1)
        tops = sorted({round(w[1], 1) for w in words})[:2]  # the title takes two lines
        assert abs(tops[0] - 37) < 2
        for top in tops:
            line = [w for w in words if round(w[1], 1) == top]
            centre = (min(w[0] for w in line) + max(w[2] for w in line)) / 2
            assert abs(centre - (28 + 156 / 2)) < 1.5, top

    def test_issuer_and_date_at_the_right(self, rendered):
        char = 156 / 28
        words = rendered.words(rendered.pages)
        issuer = next(w for w in words if w[4] == "中共示范区教育局委员会")
        first_of_date = min(w[0] for w in words if w[1] > issuer[1] + 5 and w[1] < 297 - 35)
        assert abs(issuer[2] - (210 - 26 - 2 * char)) < 1.5  # 右空二字
        assert abs(first_of_date - (issuer[0] + 2 * char)) < 1.5  # 日期首字右移二字

    def test_conversion_time(self, rendered):
        assert rendered.seconds < 30


@needs_soffice
def test_concurrent_conversions_do_not_collide():
    data = render_docx(report())
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: pdf.docx_to_pdf(data), range(2)))
    assert all(r.startswith(b"%PDF") for r in results)


def fake_soffice(tmp_path, body):
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_missing_converter_says_so_in_chinese(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert pdf.available() is False
    with pytest.raises(pdf.ConverterMissing, match="未安装 LibreOffice"):
        pdf.docx_to_pdf(b"PK")


def test_a_failing_converter_raises(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "soffice_path", lambda: fake_soffice(tmp_path, "echo broken >&2; exit 3"))
    with pytest.raises(pdf.ConversionFailed, match="退出码 3"):
        pdf.docx_to_pdf(b"PK")


def test_a_converter_that_writes_nothing_raises(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "soffice_path", lambda: fake_soffice(tmp_path, "exit 0"))
    with pytest.raises(pdf.ConversionFailed, match="未生成文件"):
        pdf.docx_to_pdf(b"PK")


def test_a_hung_converter_is_killed_with_its_children(monkeypatch, tmp_path):
    marker = tmp_path / "child.pid"
    body = f"sleep 30 & echo $! > {marker}; wait"
    monkeypatch.setattr(pdf, "soffice_path", lambda: fake_soffice(tmp_path, body))
    started = time.monotonic()
    with pytest.raises(pdf.ConversionFailed, match="超时"):
        pdf.docx_to_pdf(b"PK", timeout=1)
    assert time.monotonic() - started < 10
    time.sleep(0.2)
    assert not running(int(marker.read_text()))


def running(pid):
    """Alive and not a zombie (in a container nobody may reap the killed child)."""
    try:
        with open(f"/proc/{pid}/stat") as stat_file:
            return stat_file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_profile_and_fonts_are_passed(monkeypatch, tmp_path):
    """soffice gets its own profile (so parallel calls never share one) and the project's fonts.conf."""
    log = tmp_path / "args"
    body = f'echo "$@" > {log}; env | grep FONTCONFIG_FILE >> {log}; for a; do out="$a"; done'
    body += '; cp "$out" "$(dirname "$out")/document.pdf"'
    monkeypatch.setattr(pdf, "soffice_path", lambda: fake_soffice(tmp_path, body))
    assert pdf.docx_to_pdf(b"%PDF-fake") == b"%PDF-fake"
    logged = log.read_text()
    assert re.search(r"-env:UserInstallation=file:///\S+/profile", logged)
    assert f"FONTCONFIG_FILE={pdf.FONTS_CONF}" in logged
    assert pdf.FONTS_CONF.is_file()
