"""`dangjian originality check DIR --json`, the table, errors; reference import from files."""

import io
import json
import random
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.originality import quality, reading, services
from dangjian.originality.models import ReferenceText

PARAGRAPHS = quality.paragraphs()
BASE = PARAGRAPHS[5].text + PARAGRAPHS[6].text
TEMPLATE = PARAGRAPHS[25].text + PARAGRAPHS[26].text


def docx_bytes(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.split("。"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("originality", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "张三.txt").write_text(BASE, encoding="utf-8")
    (tmp_path / "李四.docx").write_bytes(docx_bytes(quality.reorder(BASE, random.Random(1))))
    (tmp_path / "王五.txt").write_bytes(quality.partial(TEMPLATE, random.Random(2)).encode("gb18030"))
    (tmp_path / "赵六.txt").write_text(PARAGRAPHS[40].text, encoding="utf-8")
    (tmp_path / "说明.pdf").write_bytes(b"%PDF-1.4")  # not a .txt/.docx: ignored
    return tmp_path


@pytest.mark.django_db
def test_json_lists_pairs_among_files_and_with_references(folder):
    services.do_add_reference_text(
        acting_user=None, organization=_root(), title="心得体会范文", text=TEMPLATE, source="范文网"
    )
    code, out, _ = run("check", str(folder), "--json")
    result = json.loads(out)
    assert code == 1  # something was found
    assert result["files"] == 4 and result["references"] == 1 and result["errors"] == []
    pairs = {(p["first"], p["second"], p["second_is_reference"]) for p in result["pairs"]}
    assert pairs == {("张三.txt", "李四.docx", False), ("王五.txt", "心得体会范文", True)} or pairs == {
        ("李四.docx", "张三.txt", False),
        ("王五.txt", "心得体会范文", True),
    }
    for pair in result["pairs"]:
        assert set(pair) == {
            "first",
            "second",
            "second_is_reference",
            "similarity",
            "jaccard",
            "containment",
            "shared",
        }
        assert 0 < pair["jaccard"] <= pair["similarity"] <= 1


@pytest.mark.django_db
def test_table_and_unreadable_files(folder):
    (folder / "坏文件.docx").write_bytes(b"not a zip at all")
    (folder / "二进制.txt").write_bytes(b"\x00\x01\x02binary")
    code, out, err = run("check", str(folder), "--no-references")
    assert code == 1
    assert "相似度" in out and "张三.txt" in out
    assert "无法读取 坏文件.docx：不是有效的 Word 文档（.docx），或文件已损坏" in err
    assert "无法读取 二进制.txt：不是文本文件（.txt）" in err
    code, out, _ = run("check", str(folder), "--json", "--no-references")
    assert {e["file"] for e in json.loads(out)["errors"]} == {"坏文件.docx", "二进制.txt"}


@pytest.mark.django_db
def test_clean_folder_exits_zero(tmp_path):
    (tmp_path / "a.txt").write_text(PARAGRAPHS[1].text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PARAGRAPHS[30].text, encoding="utf-8")
    code, out, _ = run("check", str(tmp_path), "--json")
    assert code == 0 and json.loads(out)["pairs"] == []


@pytest.mark.django_db
def test_missing_or_empty_directory(tmp_path):
    with pytest.raises(CommandError, match="目录不存在"):
        call_command("originality", "check", str(tmp_path / "nope"))
    with pytest.raises(CommandError, match="没有 .txt 或 .docx 文件"):
        call_command("originality", "check", str(tmp_path))


def _root():
    from dangjian.organizations.services import do_create_organization

    return do_create_organization(
        parent=None, acting_user=None, code="T", name="测试县委", kind="committee", unit_category="government"
    )


# Reference import -----------------------------------------------------------------------------------
def test_reading_a_zip_of_gbk_named_files():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("AAAAAA.txt", TEMPLATE.encode("gb18030"))  # renamed below, as Windows names it
        archive.writestr("范文二.docx", docx_bytes(BASE))
        archive.writestr("__MACOSX/._范文二.docx", b"junk")
        archive.writestr("图片.png", b"\x89PNG")
    data = buffer.getvalue().replace(b"AAAAAA.txt", "范文一.txt".encode("gb18030"))  # GBK, no UTF-8 flag
    texts = reading.read_upload("范文.zip", data)
    assert [t.name for t in texts] == ["范文一.txt", "范文二.docx"]
    assert texts[0].text == TEMPLATE and not texts[1].error


def test_reading_refuses_what_it_cannot_read():
    assert reading.read_upload("x.zip", b"PK\x03\x04broken")[0].error.startswith("不是有效的压缩包")
    assert reading.read_one("空.txt", b"   ").error == "文件中没有文字内容"
    assert reading.read_one("x.doc", b"abc").error.startswith("只能读取")


def test_import_is_all_or_nothing_and_names_the_file(world, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as("sysadmin")
    files = [
        SimpleUploadedFile("好范文.txt", TEMPLATE.encode("utf-8")),
        SimpleUploadedFile("坏范文.docx", b"broken"),
    ]
    response = client.post(
        "/originality/references/import/",
        {"organization": world["root"].pk, "source": "范文网", "files": files},
    )
    assert response.status_code == 200
    assert "坏范文.docx：不是有效的 Word 文档（.docx），或文件已损坏。" in response.content.decode()
    assert not ReferenceText.objects.exists()
    files = [SimpleUploadedFile("好范文.txt", TEMPLATE.encode("utf-8"))]
    response = client.post(
        "/originality/references/import/",
        {"organization": world["root"].pk, "source": "范文网", "files": files},
    )
    assert response.status_code == 302
    reference = ReferenceText.objects.get()
    assert (reference.title, reference.source, reference.file_name) == ("好范文", "范文网", "好范文.txt")
    assert reference.char_count > 100


def test_only_a_system_administrator_imports_and_withdraws(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.do_add_reference_text(
            acting_user=world["county_admin"], organization=world["root"], title="x", text=TEMPLATE
        )
    reference = services.do_add_reference_text(
        acting_user=world["sysadmin"], organization=world["root"], title="x", text=TEMPLATE
    )
    with pytest.raises(PermissionDenied):
        services.do_withdraw_reference_text(reference, acting_user=world["town_a_admin"], reason="过时")
    services.do_withdraw_reference_text(reference, acting_user=world["sysadmin"], reason="过时")
    reference.refresh_from_db()
    assert reference.withdrawn_reason == "过时"
    assert not ReferenceText.objects.for_check(world["a1"]).exists()


def test_run_and_rebuild_from_the_command_line(world):
    from dangjian.audit.models import AuditEvent
    from dangjian.study.services import do_write_note

    for member in ("zhang", "li"):
        do_write_note(
            acting_user=None,
            member=world[member],
            kind="reflection",
            title="体会",
            text=BASE,
            written_on=date(2025, 5, 1),
        )
    code, out, _ = run("run", "--org", "XW-A-01", "--from", "2025-01-01", "--to", "2025-12-31", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["texts"] == 2 and summary["pairs"] == 1
    event = AuditEvent.objects.filter(object_type="originality.originalitycheck").get()
    assert event.username == "命令行"
    with pytest.raises(CommandError, match="没有代码为 NOPE 的党组织"):
        call_command("originality", "run", "--org", "NOPE", "--from", "2025-01-01", "--to", "2025-12-31")
    code, out, _ = run("rebuild")
    assert "已重建 2 篇文本的指纹" in out
