"""Checks on untrusted uploads before any parser opens them (security.md §4, ASVS 12.1.1/12.1.2).

An .xlsx (and .docx, .pptx, .odt…) is a zip archive: a 50 KB file may inflate to gigabytes. These checks
read only the zip's central directory: entry count, declared uncompressed sizes and the compression ratio
of each entry. Trusting the declared sizes is safe with Python's `zipfile` (which openpyxl uses): it never
returns more bytes than an entry declares, and a mismatch fails the CRC check (BadZipFile).

Limits come from `settings.SECURITY_POLICY` (upload_max_bytes, upload_max_uncompressed_bytes,
upload_max_zip_entries, and optionally upload_max_compression_ratio).
"""

import io
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings

# Apache POI refuses entries that inflate more than 100× (its MIN_INFLATE_RATIO 0.01); so do we, for
# entries large enough to matter (small XML parts legitimately compress very well).
DEFAULT_MAX_COMPRESSION_RATIO = 100
RATIO_GRACE_BYTES = 1024 * 1024
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / encrypted Office files


class UploadRejected(ValueError):
    """An upload fails a safety check; `str(error)` is a Chinese message for the user."""


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_entries: int
    max_ratio: float = DEFAULT_MAX_COMPRESSION_RATIO

    @classmethod
    def from_policy(cls) -> "UploadLimits":
        policy = settings.SECURITY_POLICY
        return cls(
            max_bytes=policy["upload_max_bytes"],
            max_uncompressed_bytes=policy["upload_max_uncompressed_bytes"],
            max_entries=policy["upload_max_zip_entries"],
            max_ratio=policy.get("upload_max_compression_ratio", DEFAULT_MAX_COMPRESSION_RATIO),
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def as_binary_file(source):
    """A seekable binary file for `source`: a path, bytes, or an (uploaded) file object."""
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source))
    if isinstance(source, str | os.PathLike):
        return open(source, "rb")  # the caller closes it
    if hasattr(source, "open") and getattr(source, "closed", False):
        source.open("rb")
    return source


def file_size(file) -> int:
    """Size in bytes of a seekable file, leaving it at position 0."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
    file.seek(0)
    return size


def check_size(file, limits: UploadLimits | None = None) -> int:
    """Refuse an empty file or one larger than `upload_max_bytes`; return its size."""
    limits = limits or UploadLimits.from_policy()
    size = file_size(file)
    if size == 0:
        raise UploadRejected("上传的文件是空文件。")
    if size > limits.max_bytes:
        raise UploadRejected(f"文件过大（{_megabytes(size)}），上限为 {_megabytes(limits.max_bytes)}。")
    return size


def check_zip(file, limits: UploadLimits | None = None) -> None:
    """Refuse a zip with too many entries, too much uncompressed data, or a zip-bomb compression ratio."""
    limits = limits or UploadLimits.from_policy()
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head == OLE2_SIGNATURE:
        raise UploadRejected(
            "不支持旧版 Excel（.xls）或加密的文件，请在 Excel 中另存为「Excel 工作簿（.xlsx）」且不设密码。"
        )
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadRejected("文件不是有效的 Excel（.xlsx）文件，或文件已损坏。") from None
    finally:
        file.seek(0)
    if len(entries) > limits.max_entries:
        raise UploadRejected(f"文件结构异常：压缩包内含 {len(entries)} 个部件，上限为 {limits.max_entries}。")
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > limits.max_uncompressed_bytes:
            raise UploadRejected(
                f"文件解压后过大（超过 {_megabytes(limits.max_uncompressed_bytes)}），已拒绝处理。"
            )
        if entry.file_size > RATIO_GRACE_BYTES and entry.file_size > limits.max_ratio * max(
            entry.compress_size, 1
        ):
            raise UploadRejected("文件压缩比异常（疑似「压缩炸弹」），已拒绝处理。")


DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
SCAN_CHUNK = 1 << 20


def check_no_dtd(file) -> None:
    """Refuse any XML part with a DTD: Excel never writes one, and entity declarations are how billion-laughs
    and external-entity attacks start. defusedxml guards openpyxl's ElementTree path, but once lxml is
    installed (python-docx needs it) openpyxl parses with lxml instead, so the check happens here, first."""
    with zipfile.ZipFile(file) as archive:
        for name in archive.namelist():
            if not name.endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(name) as part:
                tail = b""
                while chunk := part.read(SCAN_CHUNK):
                    window = tail + chunk
                    if any(marker in window for marker in DTD_MARKERS):
                        raise UploadRejected(
                            "无法读取该文件：文件中含有不允许的 XML 实体声明（DTD），已拒绝处理。"
                        )
                    tail = window[-16:]
    file.seek(0)


def check_xlsx(source, limits: UploadLimits | None = None):
    """All checks for an uploaded .xlsx; return a seekable binary file positioned at 0.

    Raises UploadRejected. The caller owns the returned file (close it if `source` was a path).
    """
    limits = limits or UploadLimits.from_policy()
    file = as_binary_file(source)
    try:
        check_size(file, limits)
        check_zip(file, limits)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
        file.seek(0)
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise UploadRejected("文件不是 Excel 工作簿（.xlsx），请使用下载的模板填写。")
        check_no_dtd(file)
    except BaseException:
        if file is not source:
            file.close()
        raise
    return file


# The first bytes that prove a file's type (its "magic number"). A file's name and the browser's
# Content-Type are the uploader's word; these are the file's own.
FILE_SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}


def sniff_content_type(file, allowed=tuple(FILE_SIGNATURES)) -> str | None:
    """The type among `allowed` that the first bytes of `file` prove, or None; leaves the file at 0."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    return next((kind for kind in allowed if head.startswith(FILE_SIGNATURES[kind])), None)
