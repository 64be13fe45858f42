"""Text of notes: the character count, and the text of an uploaded .docx or .txt.

字数 (`char_count`): the number of characters once every whitespace character (spaces, full-width
spaces, tabs, line breaks) is removed. A Chinese character, a letter, a digit and a punctuation mark
count one each, as a reader counts 字 on paper: "学习 党章。" has 5. A total for reports only; it is never a
quota or a score (rules.md §7, §10).
"""

import io
import zipfile

from docx import Document

from dangjian.core.uploads import UploadRejected, as_binary_file, check_no_dtd, check_size, check_zip

MAX_NOTE_CHARS = 50_000


def char_count(text: str) -> int:
    """Characters in `text` apart from whitespace (str.isspace covers the full-width space U+3000)."""
    return sum(1 for ch in text or "" if not ch.isspace())


def decode_text(data: bytes) -> str:
    """A .txt file's text: UTF-8 (with or without BOM), else GB18030 (which includes GBK and GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadRejected("无法识别文本文件的编码，请另存为 UTF-8 或 GBK 编码的 .txt 文件。")


def _docx_text(file) -> str:
    check_zip(file)
    with zipfile.ZipFile(file) as archive:
        names = set(archive.namelist())
    file.seek(0)
    if "word/document.xml" not in names:
        raise UploadRejected("文件不是 Word 文档（.docx）。")
    check_no_dtd(file)
    document = Document(file)
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def extract_text(upload) -> tuple[str, str]:
    """(text, source) of an uploaded note: a .docx (Word) or a .txt; anything else is refused.

    The type is decided by the file's own first bytes (a .docx is a zip), not by its name alone.
    """
    name = (getattr(upload, "name", "") or "").lower()
    file = as_binary_file(upload)
    check_size(file)
    head = file.read(4)
    file.seek(0)
    if name.endswith(".docx"):
        if head != b"PK\x03\x04":
            raise UploadRejected("文件不是有效的 Word 文档（.docx），或文件已损坏。")
        try:
            text = _docx_text(file)
        except UploadRejected:
            raise
        except Exception:  # python-docx raises many kinds of errors on a malformed part
            raise UploadRejected("无法读取该 Word 文档，请确认文件未损坏。") from None
        source = "docx"
    elif name.endswith(".txt"):
        data = file.read()
        if b"\x00" in data[:4096]:
            raise UploadRejected("文件不是文本文件（.txt）。")
        text, source = decode_text(data), "txt"
    else:
        raise UploadRejected("只能上传 Word 文档（.docx）或文本文件（.txt）。")
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise UploadRejected("文件中没有文字内容。")
    if char_count(text) > MAX_NOTE_CHARS:
        raise UploadRejected(f"正文超过{MAX_NOTE_CHARS}字，请拆分后上传。")
    return text, source


def docx_bytes(paragraphs: list[str]) -> bytes:
    """A small .docx holding `paragraphs` (tests and the demo)."""
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
