from .models import AuditEvent, User
from .selectors import request_memberships


def audit(
    request,
    *,
    kind: AuditEvent.Kind,
    case_id: int | None = None,
    detail: str = "",
    reason: str = "",
    actor: User | None = None,
) -> AuditEvent:
    """Write one audit event for this request. Call it with ids and kinds, never personal data."""
    user = actor or getattr(request, "user", None)
    roles = sorted({m.role for m in request_memberships(request)}) if request else []
    return AuditEvent.objects.create(
        actor=user if user is not None and user.is_authenticated else None,
        role=",".join(roles)[:32],
        case_id=case_id,
        kind=kind,
        detail=detail[:120],
        reason=reason[:300],
        request_id=getattr(request, "request_id", ""),
        ip=request.META.get("REMOTE_ADDR") if request else None,
    )


def refuse(request, *, case_id: int | None = None, detail: str = "") -> None:
    """Note a refused access attempt. The view's transaction is rolled back with the 404/403 it
    raises, so RefusalAuditMiddleware writes these after the response, outside it."""
    request._bts_refusals = [*getattr(request, "_bts_refusals", []), (case_id, detail)]
