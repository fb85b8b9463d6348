from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login

from . import services
from .forms import LoginForm, OneTimeCodeForm
from .middleware import two_factor_exempt
from .policies import requires_two_factor


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"demo_mode": settings.DEMO_MODE}


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
