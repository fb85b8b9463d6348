"""Actions other apps offer on the case page (familiehjelpa's referral, say), registered from
their `ready()`, so `cases` never imports them.

A provider gets the user and the case as the case page loaded it (its collections read with
it, as `case.page_involvements` and the like: cases.case_page) and returns the actions to
show; it must not query the database, so the case page's query count stays fixed.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bts.models import User

from .models import Case


@dataclass(frozen=True)
class CaseAction:
    label: str
    url: str


Provider = Callable[[User, Case], Iterable[CaseAction]]
_PROVIDERS: list[Provider] = []


def case_actions_register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def case_actions(user: User, case: Case) -> list[CaseAction]:
    return [action for provider in _PROVIDERS for action in provider(user, case)]
