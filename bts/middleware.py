import time
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

SESSION_STARTED_KEY = "bts_session_started"


class SessionLifetimeMiddleware:
    """Ends a session 10 hours after login, however active (idle limit: SESSION_COOKIE_AGE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED_KEY, time.time())
            if time.time() - started > settings.BTS_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class NoStoreForAuthenticatedMiddleware:
    """Pages about children must never be kept in a browser or proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class RequestIdMiddleware:
    """A short id per request, in the audit log and the response, to tie the two together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class RefusalAuditMiddleware:
    """Writes the refused access attempts a view noted (bts.audit.refuse), after its
    transaction has ended, so the refusal is recorded even though the view's writes are not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for case_id, detail in getattr(request, "_bts_refusals", []):
            from .audit import audit
            from .models import AuditEvent

            audit(request, kind=AuditEvent.Kind.ACCESS_REFUSED, case_id=case_id, detail=detail)
        return response
