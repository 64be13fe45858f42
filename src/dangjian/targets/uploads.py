"""The signed 责任书 scan: size and type checked with `core.uploads` (the file's own first bytes, never its
name or the browser's word), stored under a random name, served only through the scoped download view."""

import hashlib
import os
import unicodedata
from dataclasses import dataclass

from dangjian.core.uploads import UploadRejected, check_size, sniff_content_type

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
ACCEPTED_LABEL = "PDF、JPG、PNG"


def clean_name(name: str) -> str:
    """The uploader's file name as data: no folders, no control characters, at most 255 characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip() or "责任书"
    return name[-255:]


@dataclass(frozen=True)
class Inspected:
    original_name: str
    content_type: str
    size: int
    sha256: str


def inspect_signed_file(upload) -> Inspected:
    """Refuse (UploadRejected, a Chinese message) an empty, oversized or unsupported file."""
    name = clean_name(getattr(upload, "name", ""))
    size = check_size(upload)
    content_type = sniff_content_type(upload, tuple(EXTENSIONS))
    if content_type is None:
        raise UploadRejected(f"签字文件“{name}”的类型不受支持，仅支持 {ACCEPTED_LABEL}。")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1 << 16), b""):
        digest.update(chunk)
    upload.seek(0)
    return Inspected(name, content_type, size, digest.hexdigest())
