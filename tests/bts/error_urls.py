"""The product's URLs and one that fails, for the error-page tests."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path


@login_not_required
def fails(request):
    raise RuntimeError("a fault the page must not show")


urlpatterns = [path("feiler/", fails), path("", include("config.urls"))]
