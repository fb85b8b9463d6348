"""Human-edited TOML data files (the action guide, the toolbox): read, parse, validate strictly.

A data file is edited by people who are not programmers, so every problem is reported at once,
each with the file, the line and the key, in Norwegian, and unknown keys are refused as probable
typos. The apps describe their tables with `Field`s and subclass `Validator`; `read_data_file`
does the reading, decoding, parsing and validating, and raises the app's `DataFileError`.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MUNICIPALITY_NUMBER_RE = re.compile(r"^\d{4}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ]*$")
TYPE_NAMES = {str: "tekst", int: "heltall", list: "liste", bool: "true/false", dict: "tabell"}


class DataFileError(Exception):
    """Every problem of one file. Subclasses name what the file is, e.g. "handlingsveilederen"."""

    what = "fila"

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(
            f"{path}: {len(problems)} feil i {self.what}:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


@dataclass(frozen=True)
class Field:
    required: bool = True
    kind: type = str
    max_length: int | None = None


class Locator:
    """Finds the line of a table or key, so a person can find the problem in their editor."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def table(self, header: str, index: int = 0, after: int = 0) -> int | None:
        """The line of the `index`-th occurrence of `header` (e.g. "[[levels.steps]]")."""
        seen = -1
        for no, line in enumerate(self.lines[after:], start=after + 1):
            if line.strip() == header:
                seen += 1
                if seen == index:
                    return no
        return None

    def key(self, table_line: int | None, key: str) -> int | None:
        """The line of `key = …` in the table starting at `table_line`, else the table's line."""
        start = table_line or 0
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for no, line in enumerate(self.lines[start:], start=start + 1):
            if no > start + 1 and line.lstrip().startswith("["):
                break
            if pattern.match(line):
                return no
        return table_line


class Validator(ABC):
    """Collects problems; subclasses implement `validate(doc)` with the helpers below."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.loc = Locator(text)
        self.problems: list[str] = []

    @abstractmethod
    def validate(self, doc: dict) -> None:
        """Check the parsed file, adding every problem found with `problem`."""

    def tables(self, items: list, header: str, prefix: str, start: int = 0):
        """Each table of an array of tables (`header`, e.g. "[[tools]]") as (key, line, table);
        an item that is not a table is reported and skipped. `start` counts the tables of the
        same header earlier in the file (nested arrays are numbered through the whole file)."""
        for i, item in enumerate(items):
            key = f"{prefix}[{i}]"
            line = self.loc.table(header, start + i)
            if not isinstance(item, dict):
                self.problem(line, key, f"skal være en tabell {header}")
                continue
            yield key, line, item

    def problem(self, line: int | None, key: str, message: str) -> None:
        where = f"linje {line}" if line else "fila"
        self.problems.append(f"{where}, «{key}»: {message}")

    def table(self, data: dict, fields: dict[str, Field], prefix: str, line: int | None) -> None:
        """Unknown keys, missing required keys, wrong types, empty or too long texts."""
        for name in data.keys() - fields.keys():
            self.problem(
                self.loc.key(line, name),
                f"{prefix}.{name}",
                "ukjent nøkkel (skrivefeil?). Tillatte nøkler: " + ", ".join(sorted(fields)),
            )
        for name, spec in fields.items():
            key = f"{prefix}.{name}"
            if name not in data:
                if spec.required:
                    self.problem(line, key, "mangler")
                continue
            value = data[name]
            if (spec.kind is int and isinstance(value, bool)) or not isinstance(value, spec.kind):
                self.problem(
                    self.loc.key(line, name),
                    key,
                    f"skal være {TYPE_NAMES[spec.kind]}, fant {type(value).__name__}",
                )
            elif spec.kind is str:
                if spec.required and not value.strip():
                    self.problem(self.loc.key(line, name), key, "er tom")
                elif spec.max_length and len(value) > spec.max_length:
                    self.problem(
                        self.loc.key(line, name),
                        key,
                        f"er for lang ({len(value)} tegn, høyst {spec.max_length})",
                    )

    def choice(self, data: dict, name: str, allowed: set[str], prefix: str, line: int | None):
        value = data.get(name)
        if isinstance(value, str) and value and value not in allowed:
            self.problem(
                self.loc.key(line, name),
                f"{prefix}.{name}",
                f"må være en av {', '.join(sorted(allowed))}, fant «{value}»",
            )

    def municipality_number(self, data: dict, name: str, prefix: str, line: int | None) -> None:
        value = data.get(name)
        if isinstance(value, str) and value and not MUNICIPALITY_NUMBER_RE.match(value):
            self.problem(
                self.loc.key(line, name),
                f"{prefix}.{name}",
                f"kommunenummeret har fire sifre (f.eks. «3314»), fant «{value}»",
            )

    def slug(self, data: dict, name: str, prefix: str, line: int | None) -> None:
        value = data.get(name)
        if isinstance(value, str) and value and not SLUG_RE.match(value):
            self.problem(
                self.loc.key(line, name),
                f"{prefix}.{name}",
                "bare små bokstaver a–z, sifre og bindestrek",
            )

    def string_list(self, values: list, key: str, line: int | None, max_length: int = 200) -> None:
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                self.problem(line, f"{key}[{i}]", "skal være en tekst som ikke er tom")
            elif len(value) > max_length:
                self.problem(line, f"{key}[{i}]", f"er for lang (høyst {max_length} tegn)")

    def section(self, doc: dict, name: str, kind: type, header: str):
        """A top-level table or array of tables that must be there, or None (and a problem)."""
        if name not in doc:
            self.problem(None, name, f"mangler ({header})")
            return None
        if not isinstance(doc[name], kind):
            self.problem(self.loc.key(None, name), name, f"skal være {header}")
            return None
        return doc[name]

    def unknown_tables(self, doc: dict, allowed: dict[str, str]) -> None:
        """Top-level names not in `allowed` (name -> how it is written, e.g. "[[levels]]")."""
        for name in doc.keys() - allowed.keys():
            self.problem(
                self.loc.table(f"[{name}]")
                or self.loc.table(f"[[{name}]]")
                or self.loc.key(None, name),
                name,
                "ukjent tabell. Tillatt: " + ", ".join(allowed.values()),
            )


def read_data_file(
    path: Path, validator_class: type[Validator], error_class: type[DataFileError]
) -> dict:
    """Read, decode, parse and validate; return the TOML document with its SHA-256 under
    "_sha256", or raise `error_class` naming every problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error_class(path, [f"fila kan ikke leses: {exc.strerror}"]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error_class(path, [f"linje {line}: fila er ikke gyldig UTF-8"]) from exc
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.13's TOMLDecodeError carries the position only in its message.
        match = re.search(r"^(.*) \(at line (\d+), column (\d+)\)$", str(exc))
        if match:
            problem = f"linje {match[2]}, kolonne {match[3]}: ugyldig TOML: {match[1]}"
        else:
            problem = f"ugyldig TOML: {exc}"
        raise error_class(path, [problem]) from exc
    validator = validator_class(path, text)
    validator.validate(doc)
    if validator.problems:
        raise error_class(path, validator.problems)
    doc["_sha256"] = hashlib.sha256(raw).hexdigest()
    return doc
