"""Authentication: the backends, the login lockout's page, and the audit of failed logins."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from bts.events import AccessAudit

from .models import AuditEvent

LOCKOUT_STATUS = 429  # Too Many Requests


class ModelBackend(DjangoModelBackend):
    """Django's backend, except that demo accounts can only log in in demo mode, and that the
    signed-in user comes with what every request asks of it, in the same query."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id):
        from .selectors import user_with_memberships

        user = user_with_memberships(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS; it authenticates no one.

    Axes refuses `authenticate()` without a request (Django's test client `login()`, scripts).
    The lockout is keyed by username alone (settings), so a bare request checks it just as
    well: a locked account stays locked on every path, and nothing crashes. Failures on such
    request-less paths are not counted; none of them is reachable from the web.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        return super().authenticate(
            request if request is not None else HttpRequest(), username, password, **kwargs
        )


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: one page and one status for every locked-out attempt.

    It never names the username, so it tells nothing about whether the account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(
        request, "registration/lockout.html", {"minutes": minutes}, status=LOCKOUT_STATUS
    )
    add_never_cache_headers(response)
    return response


def audit_login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    """Receiver of `user_login_failed`: one LOGIN_FAILED audit event per failed attempt.

    The password never reaches here (Django masks it before sending the signal). The attempted
    username is stored only as a link to the account when such an account exists; a username
    with no account is not stored at all, since it is often a password typed in the wrong
    field. `actor` is then the account that was tried, not a proof of who tried it.
    """
    user_model = get_user_model()
    username = credentials.get(user_model.USERNAME_FIELD)
    account = (
        user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if isinstance(username, str) and username
        else None
    )
    # Axes' receiver runs first ("axes" precedes "bts" in INSTALLED_APPS) and flags the
    # request when this attempt reached, or was made during, a lockout.
    locked_out = bool(getattr(request, "axes_locked_out", False))
    AuditEvent.objects.create(
        actor=account,
        kind=AccessAudit.LOGIN_FAILED,
        detail="lockout" if locked_out else "",
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip=request.META.get("REMOTE_ADDR") if request is not None else None,
    )
