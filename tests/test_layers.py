"""Dependencies between the project's apps point one way, lowest first.

Every .py of every app is parsed (imports inside functions too, and migrations), and each import
of another project package is checked against the order below: an app may import the apps
before it, never one after it. Imports by name count too: import_module("x"), import_string,
include("x.urls"), apps.get_model("x", …) and a relation to "x.Model". config/ (settings, URLs)
sits on top and may import anything; no app imports it. A new app must be placed in the order
before it can be installed.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# Lowest first. portal (start page, menu) composes the apps; devdata (demo and synthetic data)
# fills them all.
ORDER = [
    "bts",
    "levels",
    "toolbox",
    "cases",
    "familiehjelpa",
    "dashboards",
    "family",
    "portal",
    "devdata",
]
TOP = "config"
PROJECT = [*ORDER, TOP]


def rank(package: str) -> int:
    return len(ORDER) if package == TOP else ORDER.index(package)


# Calls whose first argument, a string, names a module, an app label or "app_label.Model".
BY_NAME = {
    "import_module",
    "import_string",
    "include",
    "get_model",
    "ForeignKey",
    "OneToOneField",
    "ManyToManyField",
}


def _called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def imported_packages(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, top-level package) of every import of a project package in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # A relative import stays in its own package.
            names = [node.module or ""] if node.level == 0 else [package]
        elif (
            isinstance(node, ast.Call)
            and _called(node) in BY_NAME
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        found += [(node.lineno, name.split(".")[0]) for name in names]
    return [(line, name) for line, name in found if name in PROJECT]


def edges() -> list[tuple[str, str, str]]:
    """(importer, imported, where) for every import between two project packages."""
    result = []
    for package in PROJECT:
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, imported in imported_packages(path, package):
                if imported != package:
                    result.append((package, imported, f"{path.relative_to(ROOT)}:{line}"))
    return result


def test_every_project_app_is_placed_in_the_order():
    local = {
        app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()
    }
    with_an_app_config = {path.parent.name for path in ROOT.glob("*/apps.py")}

    assert local == set(ORDER)
    assert with_an_app_config == set(ORDER)


def test_no_app_imports_one_above_it():
    upward = [
        f"{where}: {importer} imports {imported}"
        for importer, imported, where in edges()
        if rank(imported) > rank(importer)
    ]
    assert upward == []


def test_the_foundation_imports_no_other_app():
    assert [where for importer, _imported, where in edges() if importer == "bts"] == []


def test_there_are_no_import_cycles_between_packages():
    graph: dict[str, set[str]] = {package: set() for package in PROJECT}
    for importer, imported, _where in edges():
        graph[importer].add(imported)
    done: set[str] = set()

    def visit(package: str, path: list[str]) -> None:
        if package in path:
            cycle = [*path[path.index(package) :], package]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if package in done:
            return
        for imported in sorted(graph[package]):
            visit(imported, [*path, package])
        done.add(package)

    for package in PROJECT:
        visit(package, [])


def test_the_check_sees_imports_inside_functions_and_by_name(tmp_path):
    # The check itself: a lazy import in a function body is an import like any other, and so
    # is a module, app or model named in a string.
    module = tmp_path / "lazy.py"
    module.write_text(
        "from . import models\n"
        "def f():\n"
        "    from cases.models import Case\n"
        "    return Case, apps.get_model('toolbox', 'Tool'), include('dashboards.urls')\n"
        "case = models.ForeignKey('familiehjelpa.Inquiry', on_delete=None)\n"
    )

    assert sorted(imported_packages(module, "bts")) == [
        (1, "bts"),
        (3, "cases"),
        (4, "dashboards"),
        (4, "toolbox"),
        (5, "familiehjelpa"),
    ]
