"""The product's URLs and one that fails, for the error-page tests."""

from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError
from django.urls import include, path

handler500 = "bts.errors.server_error"


@login_not_required
def fails(request):
    raise RuntimeError("a fault the page must not show")


@login_not_required
def database_gone(request):
    raise OperationalError("connection to server failed: Connection refused")


urlpatterns = [
    path("feiler/", fails),
    path("uten-database/", database_gone),
    path("", include("config.urls")),
]
