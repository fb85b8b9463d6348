"""Audit events, written where the thing happens.

The service that changes something writes its event inside its own transaction, with the
outcome it had; the policy that grants a read writes the read; a refused attempt is noted and
written after the request's transaction has rolled back (RefusalAuditMiddleware). Neither
services nor policies take the request: the request's id, address and the actor's roles come
from the request being served, which the middleware binds here for its duration (outside a
request, e.g. in a management command, they are empty).

Each app owns its event kinds: a `TextChoices` registered with `@event_kinds` in the app's
`events.py`. The stored kind is a plain string, checked against the registry when written, so
a new kind needs no migration of the foundation."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.encoding import force_str

from .models import AuditEvent, User

_KINDS: dict[str, object] = {}
_request: ContextVar = ContextVar("bts_audit_request", default=None)


def event_kinds[C: type[models.TextChoices]](choices: C) -> C:
    """Register an app's audit event kinds. A value may belong to one app only."""
    for value in choices.values:
        owner = _KINDS.get(value)
        if owner is not None and owner is not choices:
            raise ValueError(f"audit event kind {value!r} is registered twice")
        _KINDS[value] = choices
    return choices


def kind_label(value: str) -> str:
    """The kind's label in the active language; an unknown (retired) kind shows as stored."""
    owner = _KINDS.get(value)
    return force_str(owner(value).label) if owner is not None else value


def known_kinds() -> frozenset[str]:
    return frozenset(_KINDS)


@contextmanager
def bound_request(request) -> Iterator[None]:
    """Events written while `request` is served carry its id, address and the actor's roles."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def current_request():
    return _request.get()


# The largest value of a bigint (PostgreSQL's int8, Django's BigAutoField): a case id beyond it
# is none, and is kept in the detail rather than failing the write.
MAX_ID = 2**63 - 1


def record(
    *,
    kind: str,
    actor: User | None = None,
    case_id: int | None = None,
    detail: str = "",
    reason: str = "",
) -> AuditEvent:
    """Write one audit event. Call it with ids and kinds, never personal data. Without an
    `actor`, the signed-in user of the request being served (if any) is the actor."""
    if kind not in _KINDS:
        raise ValueError(f"unknown audit event kind {kind!r}: register it with @event_kinds")
    if case_id is not None and not 0 < case_id <= MAX_ID:
        detail, case_id = f"case:{str(case_id)[:40]};{detail}", None
    request = _request.get()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    roles = ""
    if request is not None and getattr(request, "user", None) is not None:
        from .selectors import request_memberships

        roles = ",".join(sorted({m.role for m in request_memberships(request)}))
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        role=roles[:32],
        case_id=case_id,
        kind=str(kind),
        detail=detail[:120],
        reason=reason[:300],
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )


def refuse(*, case_id: int | None = None, detail: str = "") -> None:
    """Note a refused access attempt of the request being served. The request's transaction is
    rolled back with the 404/403 that follows, so RefusalAuditMiddleware writes these after the
    response, outside it. Outside a request the refusal is written at once."""
    request = _request.get()
    if request is None:
        from .events import AccessAudit

        record(kind=AccessAudit.ACCESS_REFUSED, case_id=case_id, detail=detail)
        return
    request._bts_refusals = [*getattr(request, "_bts_refusals", []), (case_id, detail)]


def require(allowed: bool, *, detail: str, message: str, case_id: int | None = None) -> None:
    """A policy's answer at the door: nothing when `allowed`; otherwise the refusal is noted and
    the request gets a 403 with `message`."""
    if not allowed:
        refuse(case_id=case_id, detail=detail)
        raise PermissionDenied(message)


def write_refusals(request) -> None:
    from .events import AccessAudit

    # Once each: resolving a URL may try the same bounded id against several patterns.
    for case_id, detail in dict.fromkeys(getattr(request, "_bts_refusals", [])):
        record(kind=AccessAudit.ACCESS_REFUSED, case_id=case_id, detail=detail)
    request._bts_refusals = []
