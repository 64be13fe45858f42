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
