"""The demo's sign-in: each demo municipality's staff through its own identity provider, and
families through ID-porten, all played by the local OpenID provider (devdata.idp) on fixed
ports of 127.0.0.1, so the demo's buttons work as a real installation's would.

Its people are the demo's: each demo user of a municipality has an account at that
municipality's provider (user name, password "demo", two factors there); every demo guardian
has a synthetic identity number (Tenor, like ID-porten's test users), shown on the provider's
test login page."""

import datetime as dt
import os
import random

from django.db.models import Q

from bts.models import IdentityProvider, Municipality, User
from cases.models import Child, Guardian

from .idp import client, staff_account
from .synthetic.writer import synthetic_identity_number

SECRET_ENV = "BTS_OIDC_DEMO_SECRET"  # noqa: S105 - the name of the variable
# The demo provider's client secret, which only the demo trusts (make demo sets it).
SECRET = os.environ.get("BTS_OIDC_DEMO_SECRET", "demo-idp-secret")
BASE_URL = "http://127.0.0.1:8000"
ID_PORTEN_PORT = 8100
STAFF_PORT = {"3314": 8101, "4699": 8102}  # by municipality number: Øvre Eiker, Fjordvik
PASSWORD = "demo"  # noqa: S105 - as the demo accounts' own


def identity_number(name: str, born: dt.date) -> str:
    """The same synthetic number for the same demo person every time the demo is made."""
    return synthetic_identity_number(random.Random(name), born)  # noqa: S311 - made-up people


def guardian_number(name: str) -> str:
    """The same synthetic number for the same demo guardian every time the demo is made."""
    rng = random.Random(name)  # noqa: S311 - made-up people, the same each time
    born = dt.date(1978 + rng.randrange(12), 1 + rng.randrange(12), 1 + rng.randrange(28))
    return synthetic_identity_number(rng, born)


def _issuer(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def identity_providers_ensure(municipalities: list[Municipality]) -> None:
    for municipality in municipalities:
        port = STAFF_PORT.get(municipality.number)
        if port is None:
            continue
        IdentityProvider.objects.update_or_create(
            municipality=municipality,
            audience=IdentityProvider.Audience.STAFF,
            defaults={
                "issuer": _issuer(port),
                "client_id": f"bts-demo-{municipality.number}",
                "client_secret": f"env:{SECRET_ENV}",
                "subject_claim": "oid",
                "match_claim": "preferred_username",
                "accept_idp_mfa": True,
                "mfa_amr_values": "mfa",
                # The demo shows both ways in: the README's passwords keep working.
                "allow_password": True,
                "is_active": True,
            },
        )
        IdentityProvider.objects.update_or_create(
            municipality=municipality,
            audience=IdentityProvider.Audience.FAMILY,
            defaults={
                "issuer": _issuer(ID_PORTEN_PORT),
                "client_id": f"bts-demo-familie-{municipality.number}",
                "client_secret": f"env:{SECRET_ENV}",
                "scopes": "openid profile",
                "assurance": IdentityProvider.Assurance.SUBSTANTIAL,
                "is_active": True,
            },
        )


def provider_entries(*, base_url: str = BASE_URL, ports: dict | None = None) -> list[dict]:
    """The local provider's configuration for the demo's municipalities and people, read from
    the database (run after seed_demo). `ports` (by municipality number, and "idporten") moves
    the issuers, for the browser tests' provider: `{}` gives every issuer a free port, so a
    test never contends with a running demo for the demo's ports."""
    ports = {**STAFF_PORT, "idporten": ID_PORTEN_PORT} if ports is None else ports
    entries = []
    family_clients = []
    for provider in IdentityProvider.objects.select_related("municipality").filter(is_active=True):
        number = provider.municipality.number
        if provider.audience == IdentityProvider.Audience.FAMILY:
            family_clients.append(client(provider.client_id, SECRET, base_url, family=True))
            continue
        users = User.objects.filter(
            Q(memberships__service__municipality__number=number)
            | Q(memberships__municipality__number=number),
            is_demo=True,
        ).distinct()
        entries.append(
            {
                "name": number,
                "kind": "staff",
                "port": ports.get(number, 0),
                "title": f"{provider.municipality.name} – innlogging for ansatte",
                "clients": [client(provider.client_id, SECRET, base_url)],
                "accounts": [
                    staff_account(u.username, u.email, u.get_full_name(), password=PASSWORD)
                    for u in users
                ],
            }
        )
    if family_clients:
        hints = [
            {"pid": c.national_id, "label": f"{c.first_name} {c.last_name} (ungdom, egen sak)"}
            for c in Child.objects.exclude(national_id="").order_by("pk")[:4]
        ] + [
            {"pid": g.national_id, "label": f"{g.name} ({g.relation} til {g.child.first_name})"}
            for g in Guardian.objects.filter(has_parental_responsibility=True)
            .exclude(national_id="")
            .select_related("child")
            .order_by("pk")[:12]
        ]
        entries.append(
            {
                "name": "idporten",
                "kind": "idporten",
                "port": ports.get("idporten", 0),
                "title": "ID-porten (testinnlogging)",
                "clients": family_clients,
                "hints": hints,
            }
        )
    return entries
