#!/usr/bin/env python
import os
import sys
from pathlib import Path

# What changes the schema or loads data in bulk runs as the owner of the tables; everything
# else (the app itself, the daily commands, the demo data) as the app's own role.
OWNER_COMMANDS = {"migrate", "makemigrations", "sqlmigrate", "showmigrations", "flush"}
OWNER_COMMANDS |= {"dbshell", "seed_synthetic"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The project-local PostgreSQL is started by the command that asks for it (BTS_LOCAL_DB,
    # which `make demo` sets), never by the settings: they read DATABASE_URL only.
    mode = os.environ.get("BTS_LOCAL_DB")
    if mode:
        from bts.localdb import use

        command = sys.argv[1] if len(sys.argv) > 1 else ""
        role = "owner" if command in OWNER_COMMANDS else "app"
        use(Path(__file__).resolve().parent, mode, role=role)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
