"""The guide decides: no template or app code holds the product's words, a step code, a meeting
kind or a level-number rule. They come from the guide file (fixtures/veiledere/), so a
municipality that says "BTI" and "bekymring", with other steps and meeting kinds, sees its own.

Templates are read as text without their comments ({# … #}, {% comment %}); Python is parsed, and
only its string literals count (not docstrings, comments or names). Migrations record history and
are not read. A hit is reported as file:line and what was found.
"""

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
# The app code, the demo and synthetic data (devdata) included: they drive cases through
# whatever guide is loaded.
APPS = [
    "bts", "levels", "cases", "toolbox", "familiehjelpa", "dashboards", "portal", "devdata",
    "config",
]  # fmt: skip

# The product's names and the word for the concern, in any case: "BTS", "BTI", "bedre
# tverrfaglig …", "undring", "Undringen", "undringssamtale" …
WORDS = re.compile(r"\bBTS\b|\bBTI\b|undring|bedre tverrfaglig", re.IGNORECASE)
# The project's own package is called `bts`: its module paths and app label ("bts.User",
# "bts"), its CSS classes ("bts-card") and file names ("css/bts.css") are names in code, not
# words a user reads. Only this lower-case spelling, joined to a name, is passed over.
CODE_NAME = re.compile(r"(?<![\w-])bts(?=[-._][A-Za-z])|^bts$")
STEP_CODE = re.compile(r"^\d\.\d+$")
# The meeting kinds of every guide file, and those the code held before guides named them.
MEETING_KINDS = {"undringssamtale", "samarbeidsmote", "evalueringsmote", "tverrfaglig_team"}
MEETING_KINDS |= {"barneteam"}
MEETING_KINDS |= {
    kind["code"]
    for guide in (ROOT / "fixtures" / "veiledere").glob("*.toml")
    for kind in tomllib.loads(guide.read_text(encoding="utf-8")).get("meeting_kinds", [])
}
# A step code in a sentence: "Trinn 0.1: skriv ned …", "trinn 1.4".
STEP_IN_TEXT = re.compile(r"\btrinn\s+\d\.\d+", re.IGNORECASE)
# A rule on a level number in a template tag: {% if level == 0 %}, {% if case.level > 1 %},
# {% if step.level.number != 3 %}, {% with level=0 %}, {% if 2 <= to_level %}.
LEVEL_RULE = re.compile(
    r"level\w*(?:\.\w+)*\s*(?:==|!=|<=|>=|<|>|=)\s*\d"
    r"|\b\d\s*(?:==|!=|<=|>=|<|>)\s*\w*level",
    re.IGNORECASE,
)
TAG = re.compile(r"\{%.*?%\}", re.DOTALL)
COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)

# Where the words may stay, and why. Keep this short: everything else takes them from the guide.
# Where a level-number rule may stay, and why.
ALLOWED_LEVEL_RULES = {
    # The tiltaksoversikt (the municipality's catalogue spreadsheet) has its own level columns
    # 0–3 (docs/tiltaksoversikt.md), not the guide's levels.
    "toolbox/models.py": "the catalogue's level columns 0–3",
}

ALLOWED_WORDS = {
    # The default words of the guide file format (a guide that names none of its own, and a
    # deployment before any guide is loaded): the one place they are written down.
    "levels/words.py": "the default words of the guide format",
    # The Guide model's word fields: their defaults (the same default words) and the two
    # frameworks a guide declares it follows (model = "BTS" or "BTI").
    "levels/models.py": "the guide's own word fields and its BTS/BTI model choice",
}


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    found: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.found}"


def _blank_out(match: re.Match) -> str:
    """A comment replaced by its line breaks only, so the lines after it keep their numbers."""
    return "\n" * match.group().count("\n")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def template_hits(text: str, path: str) -> list[Hit]:
    text = COMMENT.sub(_blank_out, text)
    hits = []
    # Code names blanked out letter for letter, so offsets (and lines) stay as they were.
    shown = CODE_NAME.sub(lambda m: " " * len(m.group()), text)
    for match in WORDS.finditer(shown):
        hits.append(Hit(path, _line_of(shown, match.start()), f"the word «{match.group()}»"))
    for tag in TAG.finditer(text):
        for match in LEVEL_RULE.finditer(tag.group()):
            line = _line_of(text, tag.start() + match.start())
            hits.append(Hit(path, line, f"a level-number rule «{match.group()}»"))
    for match in STEP_IN_TEXT.finditer(text):
        hits.append(Hit(path, _line_of(text, match.start()), f"the step code «{match.group()}»"))
    for kind in MEETING_KINDS:
        for match in re.finditer(rf"[\"'=]{re.escape(kind)}[\"'\s}}]", text):
            hits.append(Hit(path, _line_of(text, match.start()), f"the meeting kind «{kind}»"))
    return hits


def _levelish(node: ast.AST) -> bool:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return isinstance(node, ast.Name | ast.Attribute) and "level" in name.lower()


def _number(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    )


def _level_rules(tree: ast.AST) -> list[tuple[int, str]]:
    """`case.level == 3`, `level >= 2`, `Q(level=0)`: a level number written in the code."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            parts = [node.left, *node.comparators]
            if any(_levelish(p) for p in parts) and any(_number(p) for p in parts):
                found.append((node.lineno, ast.unparse(node)))
        elif (
            isinstance(node, ast.keyword)
            and node.arg
            and "level" in node.arg
            and _number(node.value)
        ):
            found.append((node.value.lineno, f"{node.arg}={node.value.value}"))
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def python_hits(source: str, path: str) -> list[Hit]:
    tree = ast.parse(source, filename=path)
    docstrings = _docstrings(tree)
    hits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            continue
        if id(node) in docstrings:
            continue
        value = node.value
        shown = CODE_NAME.sub(lambda m: " " * len(m.group()), value)
        if path not in ALLOWED_WORDS:
            for match in WORDS.finditer(shown):
                hits.append(Hit(path, node.lineno, f"the word «{match.group()}»"))
        if STEP_CODE.match(value) or STEP_IN_TEXT.search(value):
            hits.append(Hit(path, node.lineno, f"the step code «{value}»"))
        if value in MEETING_KINDS:
            hits.append(Hit(path, node.lineno, f"the meeting kind «{value}»"))
    if path not in ALLOWED_LEVEL_RULES:
        for line, rule in _level_rules(tree):
            hits.append(Hit(path, line, f"a level-number rule «{rule}»"))
    return hits


def _templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.is_file() and p.suffix in {".html", ".txt"})


def _python_files(apps: list[str]) -> list[Path]:
    return sorted(
        path
        for app in apps
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def _report(hits: list[Hit], what: str) -> str:
    lines = "\n".join(f"  {hit}" for hit in hits)
    return f"{what} – take it from the guide (levels.words, the guide's rules):\n{lines}"


def test_no_template_holds_the_words_or_a_level_number_rule():
    hits = []
    for path in _templates():
        hits += template_hits(path.read_text(), str(path.relative_to(ROOT)))
    assert not hits, _report(hits, "Templates that hold the guide's words or rules")


def test_no_app_code_holds_the_words_a_step_code_or_a_meeting_kind():
    hits = []
    for path in _python_files(APPS):
        hits += python_hits(path.read_text(), str(path.relative_to(ROOT)))
    assert not hits, _report(hits, "App code that holds the guide's words or rules")


def test_the_exceptions_are_still_needed():
    # An exception that no longer holds any of the words is one too many.
    for path in ALLOWED_WORDS:
        source = (ROOT / path).read_text()
        assert any(
            WORDS.search(node.value)
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ), f"{path} no longer needs its exception"


# The checks find what they are meant to (a check that cannot fail would pass anything).


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("<h1>{% translate 'Ny undring' %}</h1>", ["the word «undring»"]),
        ("<title>– BTS</title>", ["the word «BTS»"]),
        ("<p>BTI</p>", ["the word «BTI»"]),
        ("{% translate 'Bedre tverrfaglig samarbeid' %}", ["the word «Bedre tverrfaglig»"]),
        ("<a>Undringssamtale</a>", ["the word «Undring»"]),
        ("{% if case.level == 0 %}x{% endif %}", ["a level-number rule «level == 0»"]),
        ("{% if step.level.number>2 %}", ["a level-number rule «level.number>2»"]),
        ("{% with level=1 %}", ["a level-number rule «level=1»"]),
        ("{% if 3 <= to_level %}", ["a level-number rule «3 <= to_level»"]),
        ("{# undring, BTS, level == 0 #}", []),
        ("{% comment %}\nBTS {% if level == 1 %}\n{% endcomment %}", []),
        ('<div class="bts-card bts-level--{{ colour }}"><link href="css/bts.css">', []),
        ("{{ words.Concern }} {{ level.number }}", []),
        ("{% translate 'Trinn 0.1: skriv ned' %}", ["the step code «Trinn 0.1»"]),
        ('<option value="nettverksmote">', ["the meeting kind «nettverksmote»"]),
    ],
)
def test_the_template_check(text, found):
    assert [hit.found for hit in template_hits(text, "t.html")] == found


def test_a_template_hit_names_its_line():
    text = "{# a\ncomment #}\n<p>\n{% translate 'undring' %}</p>"
    assert [str(hit) for hit in template_hits(text, "t.html")] == ["t.html:4: the word «undring»"]


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('x = _("Ny undring")', ["the word «undring»"]),
        ('subject = _("Frister i BTS")', ["the word «BTS»"]),
        ('x = f"BTI-sak {pk}"', ["the word «BTI»"]),
        ('x = "Bedre tverrfaglig innsats"', ["the word «Bedre tverrfaglig»"]),
        ('if step.code == "0.4":\n    pass', ["the step code «0.4»"]),
        ('kind = "samarbeidsmote"', ["the meeting kind «samarbeidsmote»"]),
        ('record(detail="barneteam")', ["the meeting kind «barneteam»"]),
        ('"""A docstring about the undring in BTS."""', []),
        ("# a comment about the undring\nx = 1", []),
        ('def f():\n    """The undring at 0.1."""', []),
        ('AUTH_USER_MODEL = "bts.User"\nlabel = "bts"\ncss = "bts-card"', []),
        ('x = "Barneteamet" + "1.5 ganger"', []),
        ('x = _("Trinn 0.1: skriv ned")', ["the step code «Trinn 0.1: skriv ned»"]),
        ('kind = "urosamtale"', ["the meeting kind «urosamtale»"]),  # Fjordvik's
        ("if case.level == 3:\n    pass", ["a level-number rule «case.level == 3»"]),
        ("ok = 2 <= to_level", ["a level-number rule «2 <= to_level»"]),
        ("q = Q(level=0)", ["a level-number rule «level=0»"]),
        ("q = Q(level=FIRST_LEVEL)\nn = len(levels) > 3", []),
    ],
)
def test_the_python_check(source, found):
    assert [hit.found for hit in python_hits(source, "m.py")] == found


def test_the_exceptions_are_for_the_words_only():
    # The files that keep the default words still may not hold a step code or a meeting kind.
    assert [h.found for h in python_hits('x = "undring"\ny = "1.1"', "levels/words.py")] == [
        "the step code «1.1»"
    ]
