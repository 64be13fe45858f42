"""PDF from .docx through LibreOffice (soffice --headless --convert-to pdf).

Each call runs its own soffice with its own profile in a temporary directory, so concurrent calls never
share LibreOffice's user installation (a shared one is locked by the first process and the second fails).
The profile is seeded with two settings that cut a conversion from ~7 s to ~2 s on this machine: the
"last version" that stops LibreOffice from running its graphics render tests on what it takes for a first
start, and Java switched off. FONTCONFIG_FILE points at fonts/fonts.conf, which maps the official font
names to the installed CJK fonts (ADR 017).
"""

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

__all__ = ["FONTS_CONF", "ConversionFailed", "ConverterMissing", "available", "docx_to_pdf", "soffice_path"]

FONTS_CONF = Path(__file__).resolve().parent / "fonts" / "fonts.conf"

# Written into each fresh profile. ooSetupLastVersion above any real version: LibreOffice runs its graphics
# render tests (~4 s) whenever its version is newer than the profile's, which a new profile always is.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse">\
<value>99.9</value></prop></item>
<item oor:path="/org.openoffice.Office.Java/VirtualMachine"><prop oor:name="Enable" oor:op="fuse">\
<value>false</value></prop></item>
</oor:items>
"""


class ConverterMissing(Exception):
    """LibreOffice is not installed, so no PDF can be made (the .docx still can)."""

    default_message = "未安装 LibreOffice（soffice），无法生成 PDF；请下载 .docx，或请管理员安装。"

    def __init__(self, message: str = default_message):
        super().__init__(message)


class ConversionFailed(Exception):
    """LibreOffice ran but produced no PDF (or took longer than allowed)."""


def soffice_path() -> str | None:
    """The soffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    """Whether PDFs can be made here."""
    return soffice_path() is not None


def docx_to_pdf(data: bytes, *, timeout: float = 60) -> bytes:
    """The PDF of a .docx, laid out by LibreOffice with the project's font mapping."""
    soffice = soffice_path()
    if soffice is None:
        raise ConverterMissing()
    with tempfile.TemporaryDirectory(prefix="dangjian-pdf-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(data)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(source),
        ]
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": str(work)}
        env["SAL_USE_VCLPLUGIN"] = "svp"  # headless rendering, no display needed
        _run(command, env=env, cwd=work, timeout=timeout)
        result = work / "document.pdf"
        if not result.is_file() or result.stat().st_size == 0:
            raise ConversionFailed("PDF 转换失败：LibreOffice 未生成文件。")
        return result.read_bytes()


def _run(command: list[str], *, env: dict, cwd: Path, timeout: float) -> None:
    """Run soffice in its own process group: on a timeout the whole group goes, soffice.bin included
    (the soffice script starts it as a child, and killing the script alone would leave it running)."""
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell; the input is a file we wrote
        command,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ConversionFailed(f"PDF 转换超时（超过{timeout:g}秒）。") from None
    if process.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise ConversionFailed(f"PDF 转换失败（LibreOffice 退出码 {process.returncode}）：{detail[0]}")
