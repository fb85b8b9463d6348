"""The tools an undring form offers inline: the worry scale's steps with what each means, the
risk and protective factor checklists, and links to the tools' guidance.

The content is the municipality's toolbox, but `cases` does not read the toolbox: the project
registers a provider (portal/concern_tools.py) that does, so this app keeps depending on bts and
levels only. Without one, or without a toolbox loaded, the form offers the plain worry choices
and free text, as before.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ToolLink:
    title: str
    url: str


@dataclass(frozen=True)
class WorryStep:
    value: int
    label: str
    description: str


@dataclass(frozen=True)
class FactorList:
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class ConcernTools:
    worry_steps: tuple[WorryStep, ...] = ()
    worry_links: tuple[ToolLink, ...] = ()
    risk: tuple[FactorList, ...] = ()
    protective: tuple[FactorList, ...] = ()
    factor_links: tuple[ToolLink, ...] = ()
    form_links: tuple[ToolLink, ...] = ()  # the undring form's own guidance


_provider: Callable[[], ConcernTools] | None = None


def concern_tools_provider(provider: Callable[[], ConcernTools]) -> None:
    """Set where the tools come from (called once, from the project's app config)."""
    global _provider
    _provider = provider


def concern_tools() -> ConcernTools:
    return _provider() if _provider else ConcernTools()
