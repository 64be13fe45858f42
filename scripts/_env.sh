# Shared by scripts/demo, scripts/test and .ci/run: make .venv match requirements/dev.txt.
# Sourced, not run. Re-installs only when the pinned requirements change.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "需要 Python 3.11（未找到 python3.11）" >&2
  return 1
}

ensure_venv() {
  local stamp="$VENV/.requirements.sha256"
  local wanted
  wanted="$(cat "$ROOT/requirements/base.txt" "$ROOT/requirements/dev.txt" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return 0
  fi
  echo "==> 安装依赖到 .venv（首次约需1-2分钟）"
  [ -x "$VENV/bin/python" ] || "$(find_python)" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements/dev.txt"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e "$ROOT"
  echo "$wanted" >"$stamp"
}

# LibreOffice and the CJK fonts for the PDF of report drafts (ADR 017). Installed when this runs as root
# with apt-get; otherwise the missing packages are named and the .docx export still works.
PDF_FONT_PACKAGES="fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei"

ensure_pdf_tools() {
  local missing="" pkg
  command -v soffice >/dev/null 2>&1 || missing=" libreoffice-writer-nogui"
  for pkg in $PDF_FONT_PACKAGES; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> 安装 PDF 导出所需的 LibreOffice 和中文字体：$missing"
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null; then
      return 0
    fi
  fi
  echo "注意：缺少$missing，汇报材料只能导出 .docx（PDF 需要 apt-get install$missing）。"
}
