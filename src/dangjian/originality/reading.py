"""Reading texts from files: .txt (UTF-8 or GB18030) and .docx, or a .zip of them (reference import).

Every file passes `core.uploads` first (size, zip structure and compression ratio, no DTD in the XML);
anything unreadable raises UploadRejected with a Chinese message naming the file.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from docx import Document

from dangjian.core.uploads import UploadRejected, as_binary_file, check_no_dtd, check_size, check_zip

SUFFIXES = (".txt", ".docx")
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class ReadText:
    """A file's text (`text`), or why it could not be read (`error`)."""

    name: str
    text: str = ""
    error: str = ""


def decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise UploadRejected("不是文本文件（.txt）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadRejected("无法识别文本编码，请另存为 UTF-8 或 GBK 编码")


def _docx(file) -> str:
    if file.read(4) != ZIP_MAGIC:
        raise UploadRejected("不是有效的 Word 文档（.docx），或文件已损坏")
    file.seek(0)
    try:
        check_zip(file)
    except UploadRejected as error:
        raise UploadRejected(str(error).replace("Excel（.xlsx）", "Word 文档（.docx）")) from None
    with zipfile.ZipFile(file) as archive:
        if "word/document.xml" not in archive.namelist():
            raise UploadRejected("不是 Word 文档（.docx）")
    file.seek(0)
    check_no_dtd(file)
    try:
        document = Document(file)
    except Exception:  # python-docx raises many kinds of errors on a malformed part
        raise UploadRejected("无法读取该 Word 文档，请确认文件未损坏") from None
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def read_text(name: str, source) -> str:
    """The text of one .txt or .docx file (`source`: a path, bytes or a file object)."""
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in SUFFIXES:
        raise UploadRejected("只能读取 Word 文档（.docx）或文本文件（.txt）")
    file = as_binary_file(source)
    try:
        check_size(file)
        text = _docx(file) if suffix == ".docx" else decode(file.read())
    finally:
        if file is not source:
            file.close()
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise UploadRejected("文件中没有文字内容")
    return text


def read_one(name: str, source) -> ReadText:
    try:
        return ReadText(name, read_text(name, source))
    except UploadRejected as error:
        return ReadText(name, error=str(error).rstrip("。"))


def _entry_name(entry: zipfile.ZipInfo) -> str:
    """Zips made on Chinese Windows store names in GBK without saying so (no UTF-8 flag)."""
    if entry.flag_bits & 0x800:
        return entry.filename
    try:
        return entry.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return entry.filename


def read_upload(name: str, upload) -> list[ReadText]:
    """The texts of an uploaded .txt, .docx or .zip of them (a zip's other entries are skipped)."""
    if not name.lower().endswith(".zip"):
        return [read_one(name, upload)]
    file = as_binary_file(upload)
    try:
        check_size(file)
        check_zip(file)
    except UploadRejected:
        return [ReadText(name, error="不是有效的压缩包（.zip），或压缩包过大、已损坏")]
    found = []
    with zipfile.ZipFile(file) as archive:
        for entry in archive.infolist():
            inner = _entry_name(entry)
            if entry.is_dir() or PurePosixPath(inner.lower()).suffix not in SUFFIXES:
                continue
            if PurePosixPath(inner).name.startswith(("~$", "._")):  # Office lock files, macOS metadata
                continue
            found.append(read_one(inner, io.BytesIO(archive.read(entry))))
    if not found:
        return [ReadText(name, error="压缩包中没有 .txt 或 .docx 文件")]
    return found
