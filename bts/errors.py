"""The page for a fault: 503 "try again" while the database cannot be reached, 500 otherwise.

Django calls the 500 handler from inside the `except` block of the fault, so the fault is known
here. The database's absence (stopped, restarting, failing over) is no error of the request: it
gets a 503 with Retry-After and a Norwegian page that says to try again; every request runs in
one transaction (ATOMIC_REQUESTS), so nothing of it was written. The page is made from static
files alone: the database is the one thing it may not ask."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def server_error(request, template_name: str = "500.html") -> HttpResponse:
    fault = sys.exc_info()[1]
    if isinstance(fault, UNAVAILABLE):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.render_to_string(template_name))
