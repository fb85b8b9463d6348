"""The test run's database: DATABASE_URL if set, otherwise a throwaway project-local server.

Loaded with `-p` (pyproject's addopts), so its hook runs before pytest-django reads the settings:
the settings only read DATABASE_URL, and this is the command that starts the server. The server
lives in a temporary folder and is stopped and deleted when the test run exits.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    options = early_config.known_args_namespace
    if options.help or options.version:
        return
    from bts.localdb import use

    use(ROOT, "throwaway")
