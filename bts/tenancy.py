"""Which municipality the work at hand is for.

A request starts in the signed-in person's own municipality (levels.middleware) and moves to a
case's municipality when it reads one (cases.access), so the case's guide, words and language
form are the ones shown, wherever the person works. Code outside a request (a daily command,
the demo data) enters each municipality it works for with `in_municipality`.

A context variable, not a global: each request (thread) has its own, and it is reset when the
request ends.
"""

from contextlib import contextmanager
from contextvars import ContextVar, Token

_current: ContextVar[int | None] = ContextVar("bts_municipality", default=None)
# Set while a request is served: only then may a read move the work to a case's municipality
# for the rest of it (outside a request nothing would move it back).
_request: ContextVar[bool] = ContextVar("bts_request", default=False)


def current_municipality_id() -> int | None:
    return _current.get()


def municipality_switch(municipality_id: int | None) -> Token:
    return _current.set(municipality_id)


def municipality_reset(token: Token) -> None:
    _current.reset(token)


@contextmanager
def request_scope():
    """Around a whole request: it starts with no municipality, and what it moved to is
    forgotten when it ends."""
    tokens = (_request.set(True), _current.set(None))
    try:
        yield
    finally:
        _current.reset(tokens[1])
        _request.reset(tokens[0])


def in_request() -> bool:
    return _request.get()


@contextmanager
def in_municipality(municipality_id: int | None):
    token = municipality_switch(municipality_id)
    try:
        yield
    finally:
        municipality_reset(token)
