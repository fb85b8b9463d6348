"""Views never write audit events: services write the changes, the access policies the reads
and refusals they grant or refuse (docs/decisions/0058, 0059). Nor do they query models
themselves: reads go through the apps' selectors and access policies."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["bts", "levels", "toolbox", "cases", "familiehjelpa", "dashboards", "family", "portal"]
AUDIT_WRITERS = {"audit", "record", "refuse", "require", "write_refusals"}


def view_modules() -> list[Path]:
    found = []
    for app in APPS:
        found += [p for p in (ROOT / app).glob("views.py")]
        found += sorted((ROOT / app / "views").glob("*.py"))
    return found


def audit_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module in {"bts.audit", "audit"} or (node.level and module == "audit"):
                uses.append(f"{name}:{node.lineno} imports {module}")
            if module == "bts" and any(a.name == "audit" for a in node.names):
                uses.append(f"{name}:{node.lineno} imports bts.audit")
        elif isinstance(node, ast.Import):
            uses += [
                f"{name}:{node.lineno} imports {a.name}"
                for a in node.names
                if a.name == "bts.audit"
            ]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "audit"
            and node.attr in AUDIT_WRITERS
        ):
            uses.append(f"{name}:{node.lineno} calls audit.{node.attr}")
    return uses


def test_there_are_views_to_check():
    names = {str(p.relative_to(ROOT)) for p in view_modules()}
    assert {"cases/views/case.py", "familiehjelpa/views/board.py", "dashboards/views.py"} <= names


def test_no_view_writes_an_audit_event():
    assert [use for path in view_modules() for use in audit_uses(path)] == []


def test_the_check_finds_an_audit_call(tmp_path):
    planted = tmp_path / "views.py"
    planted.write_text("from bts.audit import refuse\nfrom bts import audit\naudit.record()\n")
    assert len(audit_uses(planted)) == 3


def manager_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.name}:{node.lineno} .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}
    ]


def test_no_view_queries_a_model_itself():
    assert [use for path in view_modules() for use in manager_uses(path)] == []


def test_the_check_finds_a_query(tmp_path):
    planted = tmp_path / "views.py"
    planted.write_text("Case.objects.filter(pk=1)\nUser._default_manager.all()\n")
    assert len(manager_uses(planted)) == 2
