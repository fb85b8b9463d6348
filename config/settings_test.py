"""Settings for the test suite: the production settings (DEBUG off, every guard on), with what a
test run on loopback needs set here, one by one, instead of a switch in the production module.

The database is DATABASE_URL; without it the test run starts a throwaway server of its own
(tests/localdb_plugin.py) before Django reads these settings.
"""

import os

TEST_SECRET_KEY = "tests-only-never-used-in-production"  # noqa: S105
# The production module refuses to load without a key (fail closed); the tests bring their own.
os.environ.setdefault("DJANGO_SECRET_KEY", TEST_SECRET_KEY)

from config.settings import *  # noqa: E402, F403

SECRET_KEY = TEST_SECRET_KEY
# The test client's host, and the browser tests' live server on loopback.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Plain HTTP on loopback: the redirect to HTTPS would answer every request with a 301. The
# production value is tested by running `check --deploy` with config.settings.
SECURE_SSL_REDIRECT = False
# No collectstatic before tests: the finders serve the static files.
STATIC_ROOT = None
