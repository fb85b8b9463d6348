"""A family's session as ID-porten sign-in leaves it (family.services.family_sign_in), made
directly for the URL × role matrices: what a family session may reach does not depend on how
it was started."""

import time
from importlib import import_module

from django.conf import settings

from bts.middleware import FAMILY_SESSION_KEY, SESSION_STARTED_KEY, SESSION_TOUCHED_KEY

FAMILY = "family"  # the relation: a guardian signed in with ID-porten


def family_session_key(*, municipality_id: int, guardians=(), children=(), youth=()) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[FAMILY_SESSION_KEY] = {
        "municipality": municipality_id,
        "provider": 0,
        "guardians": sorted(guardians),
        "children": sorted(children),
        "youth": sorted(youth),
        "acr": "idporten-loa-high",
    }
    store[SESSION_STARTED_KEY] = store[SESSION_TOUCHED_KEY] = time.time()
    store.create()
    return store.session_key
