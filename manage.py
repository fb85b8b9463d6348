#!/usr/bin/env python
import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The project-local PostgreSQL is started by the command that asks for it (BTS_LOCAL_DB,
    # which `make demo` sets), never by the settings: they read DATABASE_URL only.
    mode = os.environ.get("BTS_LOCAL_DB")
    if mode:
        from bts.localdb import role_for, use

        command = sys.argv[1] if len(sys.argv) > 1 else ""
        use(Path(__file__).resolve().parent, mode, role=role_for(command))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
