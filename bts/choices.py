"""`get_FOO_display()` without Django's cost per call.

Django's version builds a dict of the field's choices on every call and hashes each label on
the way, and hashing a lazily translated label translates it: a relay log of 40 entries cost
some 700 translations, most of the log's rendering time. Here the choices are read once per
field, and only the label shown is translated (in the language active then)."""

import functools

from django.utils.encoding import force_str


@functools.cache
def _labels(field) -> dict:
    return {value: label for value, label in field.flatchoices}


class ChoiceLabels:
    """A mixin for models: the same labels as Django's `get_FOO_display()`, cheaply."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            label = _labels(field).get(value, value)
        except TypeError:  # a value that cannot be a dict key: Django's own way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)
