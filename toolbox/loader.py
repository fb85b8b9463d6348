"""Read and validate a municipality's toolbox file (fixtures/verktoy/*.toml; the format is in
docs/verktoy-format.md).

The whole file is validated before anything is written (toolbox.services.toolbox_load writes it);
every problem is reported with the file, the line and the key.
"""

from __future__ import annotations

import re
from pathlib import Path

from bts.tomlfile import DataFileError, Field, Validator, read_data_file

from .models import LEVEL_COLOURS

FACTOR_KINDS = {"risk", "protective"}

TOOLBOX_FIELDS = {
    "slug": Field(max_length=50),
    "municipality": Field(max_length=120),
    "municipality_number": Field(max_length=4),
    "name": Field(max_length=200),
    "source": Field(required=False, max_length=300),
    "introduction": Field(required=False),
    "catalogue_aliases": Field(required=False, kind=list),
    "contacts_aliases": Field(required=False, kind=list),
}
GROUP_FIELDS = {
    "key": Field(max_length=50),
    "title": Field(max_length=200),
    "description": Field(required=False),
}
TOOL_FIELDS = {
    "number": Field(kind=int),
    "slug": Field(max_length=50),
    "title": Field(max_length=200),
    "group": Field(max_length=50),
    "levels": Field(kind=list),
    "summary": Field(),
    "aliases": Field(required=False, kind=list),
    "sections": Field(kind=list),
    "scale": Field(required=False, kind=list),
    "factors": Field(required=False, kind=list),
}
SECTION_FIELDS = {"heading": Field(max_length=200), "text": Field()}
SCALE_FIELDS = {
    "value": Field(kind=int),
    "label": Field(max_length=100),
    "description": Field(),
}
FACTOR_FIELDS = {
    "kind": Field(max_length=16),
    "group": Field(max_length=200),
    "items": Field(kind=list),
}


class ToolboxFileError(DataFileError):
    what = "verktøykassa"


def normalise_name(name: str) -> str:
    """How tool names are compared: case, spacing and a trailing remark in brackets do not
    matter ("Samtykkeskjema for alle tjenester (evt.)" is the consent form)."""
    name = re.sub(r"\s*\([^()]*\)\s*$", "", name)
    return " ".join(name.casefold().split())


class _Validator(Validator):
    def validate(self, doc: dict) -> None:
        self.unknown_tables(
            doc, {"toolbox": "[toolbox]", "groups": "[[groups]]", "tools": "[[tools]]"}
        )
        # Every name a guide may use, normalised, and where it was first given.
        self.names: dict[str, str] = {}
        self._toolbox(doc)
        groups = self._groups(doc)
        self._tools(doc, groups)

    def _name(self, name: object, key: str, line: int | None) -> None:
        if not isinstance(name, str) or not name.strip():
            return
        normalised = normalise_name(name)
        if normalised in self.names:
            self.problem(line, key, f"navnet «{name}» er allerede brukt i {self.names[normalised]}")
        else:
            self.names[normalised] = key

    def _aliases(self, data: dict, name: str, key: str, line: int | None) -> None:
        values = data.get(name)
        if not isinstance(values, list):
            return
        a_line = self.loc.key(line, name)
        self.string_list(values, key, a_line)
        for i, value in enumerate(values):
            self._name(value, f"{key}[{i}]", a_line)

    def _toolbox(self, doc: dict) -> None:
        toolbox = self.section(doc, "toolbox", dict, "[toolbox]")
        if toolbox is None:
            return
        line = self.loc.table("[toolbox]")
        self.table(toolbox, TOOLBOX_FIELDS, "toolbox", line)
        self.slug(toolbox, "slug", "toolbox", line)
        self.municipality_number(toolbox, "municipality_number", "toolbox", line)
        for name in ("catalogue_aliases", "contacts_aliases"):
            self._aliases(toolbox, name, f"toolbox.{name}", line)

    def _groups(self, doc: dict) -> set[str]:
        groups = self.section(doc, "groups", list, "[[groups]]")
        keys: set[str] = set()
        if groups is None:
            return keys
        if not groups:
            self.problem(None, "groups", "minst én gruppe ([[groups]]) trengs")
        for key, g_line, group in self.tables(groups, "[[groups]]", "groups"):
            self.table(group, GROUP_FIELDS, key, g_line)
            self.slug(group, "key", key, g_line)
            value = group.get("key")
            if isinstance(value, str) and value:
                if value in keys:
                    self.problem(
                        self.loc.key(g_line, "key"),
                        f"{key}.key",
                        f"gruppen «{value}» finnes allerede",
                    )
                keys.add(value)
        return keys

    def _tools(self, doc: dict, groups: set[str]) -> None:
        tools = self.section(doc, "tools", list, "[[tools]]")
        if tools is None:
            return
        if not tools:
            self.problem(None, "tools", "minst ett verktøy ([[tools]]) trengs")
        numbers: dict[int, str] = {}
        slugs: dict[str, str] = {}
        # Sub-tables are counted through the whole file, as [[tools.sections]] headers are.
        counters = {"sections": 0, "scale": 0, "factors": 0}
        for key, t_line, tool in self.tables(tools, "[[tools]]", "tools"):
            self.table(tool, TOOL_FIELDS, key, t_line)
            self.slug(tool, "slug", key, t_line)
            self._unique(tool, "number", numbers, key, t_line, "verktøy nummer {} finnes allerede")
            self._unique(tool, "slug", slugs, key, t_line, "kortnavnet «{}» er brukt før")
            number = tool.get("number")
            if isinstance(number, int) and not isinstance(number, bool) and number < 1:
                self.problem(self.loc.key(t_line, "number"), f"{key}.number", "må være 1 eller mer")
            group = tool.get("group")
            if isinstance(group, str) and group and groups and group not in groups:
                self.problem(
                    self.loc.key(t_line, "group"),
                    f"{key}.group",
                    f"må være en av gruppene {', '.join(sorted(groups))}, fant «{group}»",
                )
            self._levels(tool, key, t_line)
            self._name(tool.get("title"), f"{key}.title", self.loc.key(t_line, "title"))
            self._aliases(tool, "aliases", f"{key}.aliases", t_line)
            sections = tool.get("sections")
            if isinstance(sections, list) and not sections:
                self.problem(
                    t_line, f"{key}.sections", "minst ett avsnitt ([[tools.sections]]) trengs"
                )
            for name, fields in (
                ("sections", SECTION_FIELDS),
                ("scale", SCALE_FIELDS),
                ("factors", FACTOR_FIELDS),
            ):
                items = tool.get(name)
                if isinstance(items, list):
                    counters[name] = self._sub_tables(items, name, fields, key, counters[name])

    def _unique(self, tool, name, seen: dict, key, line, message: str) -> None:
        value = tool.get(name)
        if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
            return
        if value in seen:
            self.problem(
                self.loc.key(line, name),
                f"{key}.{name}",
                f"{message.format(value)} ({seen[value]})",
            )
        else:
            seen[value] = key

    def _levels(self, tool: dict, key: str, line: int | None) -> None:
        levels = tool.get("levels")
        if not isinstance(levels, list):
            return
        l_line = self.loc.key(line, "levels")
        if not levels:
            self.problem(l_line, f"{key}.levels", "minst ett nivå trengs")
        for j, level in enumerate(levels):
            if not isinstance(level, int) or isinstance(level, bool) or level not in LEVEL_COLOURS:
                self.problem(
                    l_line, f"{key}.levels[{j}]", f"må være 0, 1, 2 eller 3, fant {level!r}"
                )
        if len(set(map(repr, levels))) != len(levels):
            self.problem(l_line, f"{key}.levels", "samme nivå står flere ganger")

    def _sub_tables(self, items: list, name: str, fields, key: str, index: int) -> int:
        header = f"[[tools.{name}]]"
        values: set[int] = set()
        for s_key, s_line, item in self.tables(items, header, f"{key}.{name}", start=index):
            self.table(item, fields, s_key, s_line)
            if name == "scale":
                value = item.get("value")
                if isinstance(value, int) and not isinstance(value, bool):
                    if value in values:
                        self.problem(
                            self.loc.key(s_line, "value"),
                            f"{s_key}.value",
                            f"verdien {value} finnes allerede på skalaen",
                        )
                    elif values and value < max(values):
                        self.problem(
                            self.loc.key(s_line, "value"),
                            f"{s_key}.value",
                            "trinnene på skalaen må stå i stigende rekkefølge",
                        )
                    values.add(value)
            if name == "factors":
                self.choice(item, "kind", FACTOR_KINDS, s_key, s_line)
                entries = item.get("items")
                if isinstance(entries, list):
                    i_line = self.loc.key(s_line, "items")
                    if not entries:
                        self.problem(i_line, f"{s_key}.items", "minst én faktor trengs")
                    self.string_list(entries, f"{s_key}.items", i_line, max_length=300)
        return index + len(items)


def parse_toolbox_file(path: Path) -> dict:
    """Read and validate; return the TOML document, or raise ToolboxFileError naming every
    problem."""
    return read_data_file(path, _Validator, ToolboxFileError)
