"""A mixin the models' migration history names as a base. It adds nothing: labels come from
Django's own `get_FOO_display()` (it once overrode that with a cache of its own)."""


class ChoiceLabels:
    """Kept so the models and migrations that name it import; no behaviour of its own."""
