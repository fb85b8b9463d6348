"""`get_FOO_display()` without Django's cost per call, through Django's documented way of
overriding it (a model's own `get_FOO_display` method).

Django's version builds a dict of the field's choices on every call and hashes each label on
the way, and hashing a lazily translated label translates it: a relay log of 40 entries cost
some 700 translations, most of the log's rendering time. Here the choices are read once per
field, and only the label shown is translated (in the language active then)."""

import functools

from django.db.models.signals import class_prepared
from django.dispatch import receiver
from django.utils.encoding import force_str


class ChoiceLabels:
    """A mixin for models: each choice field's `get_FOO_display()` gives the same label as
    Django's, cheaply (set when the model class is prepared)."""


@functools.cache
def _labels(field) -> dict:
    return {value: label for value, label in field.flatchoices}


def _display(field):
    def get_display(self) -> str:
        value = getattr(self, field.attname)
        try:
            label = _labels(field).get(value, value)
        except TypeError:  # a value that cannot be a dict key is no choice: shown as it is
            label = value
        return force_str(label, strings_only=True)

    get_display.__name__ = f"get_{field.name}_display"
    return get_display


@receiver(class_prepared)
def _cheap_labels(sender, **kwargs) -> None:
    if not issubclass(sender, ChoiceLabels):
        return
    for field in sender._meta.local_fields:  # forward fields: the registry is not ready yet
        if field.choices:
            setattr(sender, f"get_{field.name}_display", _display(field))
