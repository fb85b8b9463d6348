"""The project's URLs: the foundation's login pages and each app under its own prefix."""

from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bts import views
from levels.words import word_lazy
from portal.views import start

admin.site.site_header = format_lazy(_("{product} – administrasjon"), product=word_lazy("product"))
admin.site.site_title = word_lazy("product")
admin.site.index_title = _("Brukere, tjenester, handlingsveileder, tiltak og kontakter")

# A fault's page: 503 "try again" while the database cannot be reached (bts.errors).
handler500 = "bts.errors.server_error"

urlpatterns = [
    path("", start, name="start"),
    path("status/", views.status, name="status"),
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.logout, name="logout"),
    path("logg-inn/kommune/<str:number>/", views.sign_in_start, name="sign_in_start"),
    path("logg-inn/oidc/tilbake/", views.sign_in_callback, name="sign_in_callback"),
    path("logg-inn/kode/", views.two_factor, name="two_factor"),
    path("logg-inn/tofaktor/", views.two_factor_setup, name="two_factor_setup"),
    path("veileder/", include("levels.urls")),
    path("saker/", include("cases.urls")),
    path("oversikt/", include("dashboards.urls")),
    # One login for the whole product (lockout, two factors, audit): the admin's own login page
    # sends people to it.
    path("admin/login/", views.admin_login, name="admin_login"),
    path("", include("toolbox.urls")),
    path("familiehjelpa/", include("familiehjelpa.urls")),
    path("familie/", include("family.urls")),
    path("admin/", admin.site.urls),
]
