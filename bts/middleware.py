import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_STARTED_KEY = "bts_session_started"
# Set when the municipality's identity provider vouched for a second factor it accepts (bts.signin).
IDP_SECOND_FACTOR_KEY = "bts_idp_second_factor"
# A family's session (the family app): a guardian or a young person signed in with ID-porten.
# It is another kind of session than staff's: no account is signed in, so no staff URL lets it
# in, and it sees its own municipality's rows only.
FAMILY_SESSION_KEY = "bts_family"


def family_session(request) -> dict | None:
    """The family session's data, or None (also for a staff session)."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or (user is not None and user.is_authenticated):
        return None
    data = session.get(FAMILY_SESSION_KEY)
    return data if isinstance(data, dict) else None


def family_municipality_id(request) -> int | None:
    data = family_session(request)
    return data.get("municipality") if data else None


# The language a family chose on its pages (settings.FAMILY_LANGUAGES), before or after sign-in.
FAMILY_LANGUAGE_KEY = "bts_family_language"
# Where the family's pages live (config/urls.py): only they are served in the family's language.
FAMILY_PATH = "/familie/"


def family_language(request) -> str | None:
    """The family's chosen language, for a family page (not a staff session's)."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or (user is not None and user.is_authenticated):
        return None
    if not request.path.startswith(FAMILY_PATH):
        return None
    language = session.get(FAMILY_LANGUAGE_KEY)
    return language if language in dict(settings.FAMILY_LANGUAGES) else None


SESSION_TOUCHED_KEY = "bts_session_touched"


def session_start(sender, request, user, **kwargs) -> None:
    """Receiver of `user_logged_in`: the session's clocks start with the login, which saves
    the session anyway, so the first page after it needs no write of its own."""
    now = time.time()
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_TOUCHED_KEY] = now


class SessionLifetimeMiddleware:
    """Ends a session 10 hours after login, however active, and keeps an active one alive for
    SESSION_COOKIE_AGE (30 minutes) after its last request.

    The idle timer is renewed by saving the session, at most once a minute
    (BTS_SESSION_RENEW_SECONDS): not on every request, which would cost every page a write.
    The idle limit is therefore between 29 and 30 minutes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        family = family_session(request) is not None
        if request.user.is_authenticated or family:
            now = time.time()
            session = request.session
            started = session.setdefault(SESSION_STARTED_KEY, now)
            if now - started > settings.BTS_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect("family:entry" if family else settings.LOGIN_URL)
            if now - session.get(SESSION_TOUCHED_KEY, 0) >= settings.BTS_SESSION_RENEW_SECONDS:
                session[SESSION_TOUCHED_KEY] = now  # saved with a new expiry
        return self.get_response(request)


class NoStoreForAuthenticatedMiddleware:
    """Pages about children must never be kept in a browser or proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated or family_session(request) is not None:
            response["Cache-Control"] = "no-store"
        return response


class RequestIdMiddleware:
    """A short id per request, in the audit log and the response, to tie the two together.
    Audit events written while the request is served carry it (bts.audit.bound_request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .audit import bound_request

        request.request_id = uuid.uuid4().hex
        with bound_request(request):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class FamilySessionBoundaryMiddleware:
    """A family's session asking for a staff page (any view that needs a signed-in account) gets
    a 404 and an audit event, not the login page: it is someone signed in, where they have no
    business. Before LoginRequiredMiddleware, which would send them to log in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if family_session(request) is None or not getattr(view_func, "login_required", True):
            return None
        from django.http import Http404

        from .audit import refuse

        refuse(detail="family_session:staff_url")
        raise Http404


class RefusalAuditMiddleware:
    """Writes the refused access attempts noted while serving the request (bts.audit.refuse),
    after its transaction has ended, so the refusal is recorded though the request's writes are
    not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .audit import write_refusals

        response = self.get_response(request)
        write_refusals(request)
        return response


def two_factor_exempt(view_func):
    """Mark a view an account that still owes its second factor may use (the code pages,
    logging out)."""
    view_func.two_factor_exempt = True
    return view_func


class SecondFactorMiddleware:
    """Whether this session's user has given their second factor: the session names the device
    that verified it (django-otp's key), and that device is still one of the user's confirmed
    ones. The user's device ids come with the user (bts.selectors.user_with_memberships), so
    this costs no query; deleting a device (the administrator's reset) ends the verification
    of every session it verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django_otp import DEVICE_ID_SESSION_KEY

        user = request.user
        verified_by = request.session.get(DEVICE_ID_SESSION_KEY, "")

        def is_verified() -> bool:
            if not user.is_authenticated:
                return False
            if request.session.get(IDP_SECOND_FACTOR_KEY):
                return True
            model, _, pk = verified_by.partition("/")
            ids = getattr(user, "_bts_device_ids", None)
            if ids is None:  # a user object not loaded by our backend
                from .selectors import user_with_memberships

                ids = user_with_memberships(user.pk)._bts_device_ids
                user._bts_device_ids = ids
            return model == "otp_totp.totpdevice" and pk.isdigit() and int(pk) in ids

        user.is_verified = is_verified
        return self.get_response(request)


def has_confirmed_device(user) -> bool:
    ids = getattr(user, "_bts_device_ids", None)
    if ids is None:
        from django_otp import user_has_device

        return user_has_device(user)
    return bool(ids)


class TwoFactorRequiredMiddleware:
    """Until the second factor is given, an account that needs one reaches nothing but the
    pages that ask for it: entering the code, or setting up the authenticator app first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from .policies import requires_two_factor

        user = request.user
        if getattr(view_func, "two_factor_exempt", False) or not requires_two_factor(user):
            return None
        if user.is_verified():
            return None
        target = "two_factor" if has_confirmed_device(user) else "two_factor_setup"
        url = reverse(target)
        if request.method == "GET" and not request.htmx:
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.htmx:
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)


class QueryCountMiddleware:
    """For the benchmark only (settings.BTS_BENCH): the number of SQL statements a response
    took, in the `X-Query-Count` header, counted the way the query-count tests count them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response
