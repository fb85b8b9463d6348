"""docs/configuration.md lists every environment variable the code reads, and no other.

Found by pattern in the source (the apps, config, manage.py, bench/, gunicorn.conf.py, scripts/,
the Makefile; not the tests): os.environ.get/[…]/setdefault, os.getenv and env_bool with a
literal name, dj_database_url.config() (which reads DATABASE_URL), and the Makefile's variables
that it uses without defining (or defines with ?=, which the environment overrides).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "tests", "node_modules", "static", ".pgdata", ".pgdata-bench", ".git"}

PYTHON_READS = [
    re.compile(
        r"""(?:environ\.get|environ\.setdefault|getenv|env_bool)\(\s*["']([A-Z0-9_]+)["']"""
    ),
    re.compile(r"""environ\[\s*["']([A-Z0-9_]+)["']\s*\]"""),
]
SHELL_READS = re.compile(r"\$\{?([A-Z][A-Z0-9_]*)")


def python_files() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not SKIP & set(path.relative_to(ROOT).parts[:-1]) and "migrations" not in path.parts
    ]


def read_by_code() -> dict[str, set[str]]:
    """Variable name -> where it is read."""
    found: dict[str, set[str]] = {}

    def add(name: str, where: Path) -> None:
        found.setdefault(name, set()).add(str(where.relative_to(ROOT)))

    for path in python_files():
        text = path.read_text()
        for pattern in PYTHON_READS:
            for name in pattern.findall(text):
                add(name, path)
        if "dj_database_url.config(" in text:
            add("DATABASE_URL", path)

    makefile = (ROOT / "Makefile").read_text()
    defined = set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*:?=", makefile, re.MULTILINE))
    overridable = set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*\?=", makefile, re.MULTILINE))
    used = set(re.findall(r"\$\(([A-Z][A-Z0-9_]*)\)", makefile))
    for name in (used - defined - {"MAKE"}) | overridable:
        add(name, ROOT / "Makefile")

    for path in [*(ROOT / "scripts").glob("*.sh"), ROOT / ".ci" / "run"]:
        text = path.read_text()
        assigned = set(re.findall(r"^\s*([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))
        for name in set(SHELL_READS.findall(text)) - assigned:
            add(name, path)
    return found


def documented() -> list[str]:
    text = (ROOT / "docs" / "configuration.md").read_text()
    return re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", text, re.MULTILINE)


def test_every_variable_the_code_reads_is_in_the_table():
    table = set(documented())
    missing = {name: sorted(where) for name, where in read_by_code().items() if name not in table}
    assert missing == {}, "add these to docs/configuration.md"


def test_the_table_lists_only_variables_the_code_reads_each_once():
    names = documented()
    assert len(names) == len(set(names))
    assert set(names) - set(read_by_code()) == set()


def test_the_search_finds_what_it_is_meant_to():
    # The patterns themselves, on the settings: a read by env_bool, by get, and the mail ones.
    reads = read_by_code()
    assert "config/settings.py" in reads["DJANGO_DEBUG"]
    assert "config/settings.py" in reads["DJANGO_EMAIL_HOST_PASSWORD_FILE"]
    assert "manage.py" in reads["BTS_LOCAL_DB"]
    assert "Makefile" in reads["BENCH_ARGS"] and "Makefile" in reads["PYTHON"]
    assert "BTS_TESTING" not in reads
