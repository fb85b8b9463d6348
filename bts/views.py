from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login

from . import oidc, services, signin
from .forms import LoginForm, OneTimeCodeForm
from .middleware import FAMILY_SESSION_KEY, two_factor_exempt
from .policies import requires_two_factor


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        # A staff session starts afresh: nothing of a family's session carries over.
        self.request.session.pop(FAMILY_SESSION_KEY, None)
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "demo_mode": settings.DEMO_MODE,
            "providers": signin.staff_providers(),
        }


# --- Sign-in through the municipality's identity provider ---------------------------------------

# What the person is told, by what went wrong (bts.oidc.SignInRefused codes, by prefix).
SIGN_IN_PROBLEMS = {
    "unavailable": (
        503,
        gettext_lazy(
            "Innloggingstjenesten svarer ikke akkurat nå. Prøv igjen om litt. Virker det "
            "fortsatt ikke, kontakt IT-avdelingen i kommunen."
        ),
    ),
    "unknown_identity": (
        403,
        gettext_lazy(
            "Du er kjent hos kommunens innloggingstjeneste, men har ingen konto her. Be den "
            "lokale administratoren i kommunen om å opprette en konto til deg."
        ),
    ),
    "ambiguous_identity": (
        403,
        gettext_lazy(
            "Flere kontoer passer til deg, så ingen ble valgt. Be den lokale administratoren "
            "i kommunen om å rydde i kontoene."
        ),
    ),
    "unverified_email": (
        403,
        gettext_lazy(
            "Innloggingstjenesten har ikke bekreftet e-postadressen din, så den kan ikke kobles "
            "til en konto her. Kontakt IT-avdelingen i kommunen."
        ),
    ),
    "inactive_account": (
        403,
        gettext_lazy("Kontoen din er deaktivert. Kontakt den lokale administratoren i kommunen."),
    ),
    "oauth:access_denied": (400, gettext_lazy("Innloggingen ble avbrutt. Du kan prøve på nytt.")),
    "oauth": (
        400,
        gettext_lazy(
            "Innloggingen kunne ikke fullføres: den var utløpt eller allerede brukt. Prøv på nytt."
        ),
    ),
    "token": (
        400,
        gettext_lazy(
            "Svaret fra innloggingstjenesten kunne ikke godkjennes, så du er ikke logget inn. "
            "Prøv på nytt, eller kontakt IT-avdelingen i kommunen."
        ),
    ),
}


SIGN_IN_NEXT_KEY = "bts_sign_in_next"


def _safe_next(request: HttpRequest, target: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


def sign_in_problem(
    request: HttpRequest, code: str, *, problems: dict | None = None, back: str = "login"
) -> HttpResponse:
    """The page a refused or failed sign-in ends on: what happened, in words, and the way back.
    A refusal is audited, by its code only. The message is the one for the code, or for its
    nearest prefix ("token:invalid_claim:acr", then "token:invalid_claim", then "token")."""
    known = SIGN_IN_PROBLEMS | (problems or {})
    parts = code.split(":")
    key = next(
        (k for k in (":".join(parts[:n]) for n in range(len(parts), 0, -1)) if k in known),
        "token",
    )
    if key != "unavailable":
        signin.sign_in_refused(code=code)
    status, message = known[key]
    return render(
        request,
        "registration/sign_in_problem.html",
        {"message": message, "back": reverse(back)},
        status=status,
    )


@login_not_required
@two_factor_exempt
@require_GET
def sign_in_start(request: HttpRequest, number: str) -> HttpResponse:
    provider = get_object_or_404(signin.staff_providers(), municipality__number=number)
    # Where the person was going when the login page asked them to sign in.
    request.session[SIGN_IN_NEXT_KEY] = _safe_next(request, request.GET.get("next", ""))
    try:
        return oidc.begin(request, provider, callback="sign_in_callback")
    except oidc.ProviderUnavailable:
        return sign_in_problem(request, "unavailable")


@login_not_required
@two_factor_exempt
@require_GET
def sign_in_callback(request: HttpRequest) -> HttpResponse:
    """Where the municipality's identity provider sends the person back."""
    provider = oidc.pending_provider(request, signin.staff_providers())
    if provider is None:
        return sign_in_problem(request, "oauth:unknown_state")
    target = request.session.get(SIGN_IN_NEXT_KEY, "")
    try:
        signed_in = oidc.finish(request, provider)
        signin.staff_sign_in(request, provider=provider, signed_in=signed_in)
    except oidc.ProviderUnavailable:
        return sign_in_problem(request, "unavailable")
    except oidc.SignInRefused as refused:
        return sign_in_problem(request, refused.code)
    return redirect(_safe_next(request, target) or settings.LOGIN_REDIRECT_URL)


@two_factor_exempt
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Ends the BTS session; a session begun at the municipality's identity provider is then
    offered the provider's own sign-out too."""
    provider_id = request.session.get(signin.SIGNED_IN_WITH_KEY)
    auth_logout(request)
    provider = signin.staff_providers().filter(pk=provider_id).first() if provider_id else None
    end_session = provider and oidc.end_session_url(
        provider, post_logout_redirect_uri=request.build_absolute_uri(reverse("login"))
    )
    if not end_session:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(
        request,
        "registration/logged_out.html",
        {"end_session": end_session, "provider": provider},
    )


@login_not_required
@two_factor_exempt
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    """For a load balancer or a monitor: the app answers. It reads nothing, not even the
    database, and so is also the benchmark's floor (the framework's own cost per request)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@login_not_required
@require_GET
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin asks for a login here; it is the product's own login, then the admin."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")


# --- Two-factor login ----------------------------------------------------------------------------


def _after_two_factor(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    return redirect(target or settings.LOGIN_REDIRECT_URL)


def _verified(request: HttpRequest, device) -> HttpResponse:
    # A new session key at the moment the account gets its full rights.
    request.session.cycle_key()
    otp_login(request, device)
    return _after_two_factor(request)


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: the code from the authenticator app."""
    if not requires_two_factor(request.user) or request.user.is_verified():
        return _after_two_factor(request)
    device = next(iter(devices_for_user(request.user, confirmed=True)), None)
    if device is None:
        return redirect("two_factor_setup")
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        allowed, verified = services.totp_verify(
            user=request.user, device=device, token=form.cleaned_data["token"]
        )
        if verified:
            return _verified(request, device)
        form.add_error(
            "token",
            _("Koden stemmer ikke. Vent litt, og skriv den nye koden appen viser.")
            if allowed
            else _("For mange feil koder på rad. Vent noen sekunder og prøv igjen."),
        )
    return render(
        request,
        "registration/two_factor.html",
        {"form": form, "next": request.GET.get("next", request.POST.get("next", ""))},
    )


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First login of an account that needs a second factor: connect an authenticator app."""
    if not requires_two_factor(request.user) or request.user.is_verified():
        return _after_two_factor(request)
    if next(iter(devices_for_user(request.user, confirmed=True)), None) is not None:
        # Replacing an authenticator needs the old one, or the administrator's reset.
        return redirect("two_factor")
    device = services.totp_device_for_setup(user=request.user)
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(
            user=request.user, device=device, token=form.cleaned_data["token"]
        ):
            device.refresh_from_db()
            return _verified(request, device)
        form.add_error("token", _("Koden stemmer ikke. Sjekk at klokka på telefonen går riktig."))
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            # Grouped in fours, as authenticator apps show it, for typing it in by hand.
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": request.GET.get("next", request.POST.get("next", "")),
        },
    )
