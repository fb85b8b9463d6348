from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

admin.site.site_header = "BTS – administrasjon"
admin.site.site_title = "BTS"
admin.site.index_title = "Brukere, tjenester, handlingsveileder, tiltak og kontakter"

urlpatterns = [
    path("", views.start, name="start"),
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("veileder/", include("levels.urls")),
    path("saker/", include("cases.urls")),
    path("", include("toolbox.urls")),
    path("admin/", admin.site.urls),
]
