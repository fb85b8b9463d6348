from django.apps import AppConfig


class BtsConfig(AppConfig):
    name = "bts"
    verbose_name = "Brukere og tjenester"
