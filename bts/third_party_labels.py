"""Norwegian names for the models of the third-party apps that the admin shows.

django-axes (login lockout) and django-otp (the authenticator app) ship no catalogue for bokmål
or nynorsk, and django-otp's names are plain English that no catalogue can translate. Their
models and fields get names here, as message ids in bokmål like the rest of BTS (so they are in
the nynorsk catalogue too), when the app registry is ready (`BtsConfig.ready`).

Only what the admin shows is named: the app, the model and the fields. A field's original
name is what its migrations record (`Field._verbose_name`, `Meta` in `original_attrs`), so
the names set here change no migration. django-guardian's models are not in the admin.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

APPS = {
    "axes": _("Innloggingssperre"),
    "otp_totp": _("Tofaktor"),
}

FIELDS = {
    "user_agent": _("nettleser"),
    "ip_address": _("IP-adresse"),
    "username": _("brukernavn"),
    "http_accept": _("HTTP-Accept"),
    "path_info": _("adresse"),
    "attempt_time": _("tidspunkt"),
}

MODELS = {
    ("axes", "AccessAttempt"): (
        _("innloggingsforsøk"),
        _("innloggingsforsøk"),
        {
            **FIELDS,
            "get_data": _("GET-data"),
            "post_data": _("POST-data"),
            "failures_since_start": _("mislykkede forsøk"),
        },
    ),
    ("axes", "AccessLog"): (
        _("innlogging"),
        _("innlogginger"),
        {
            **FIELDS,
            "logout_time": _("logget ut"),
            "session_hash": _("øktnøkkel (SHA-256)"),
        },
    ),
    ("axes", "AccessFailureLog"): (
        _("mislykket innlogging"),
        _("mislykkede innlogginger"),
        {**FIELDS, "locked_out": _("sperret")},
    ),
    ("otp_totp", "TOTPDevice"): (
        _("autentiseringsapp"),
        _("autentiseringsapper"),
        {
            "user": _("bruker"),
            "name": _("navn"),
            "confirmed": _("bekreftet"),
            "created_at": _("opprettet"),
            "last_used_at": _("sist brukt"),
        },
    ),
}


def name_third_party_models() -> None:
    for label, name in APPS.items():
        apps.get_app_config(label).verbose_name = name
    for (app_label, model_name), (singular, plural, fields) in MODELS.items():
        opts = apps.get_model(app_label, model_name)._meta
        opts.verbose_name = singular
        opts.verbose_name_plural = plural
        for field_name, name in fields.items():
            opts.get_field(field_name).verbose_name = name
