"""The `dangjian` console command: the same verbs as manage.py."""

import os
import sys

# Hyphenated verbs the README uses, mapped to Django command names.
ALIASES = {"import-members": "import_members", "export-members": "export_members"}


def main() -> None:
    """Run a management command, e.g. `dangjian migrate` or `dangjian seed --scale demo`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    argv[0] = "dangjian"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
