"""A double-submitted form creates one record.

Every create form carries a hidden random key; the created row stores it under a unique
constraint. A second submit with the same key returns the row the first one created.
"""

import uuid
from collections.abc import Callable

from django import forms
from django.db import IntegrityError, models, transaction


class IdempotentForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


def create_once[M: models.Model](
    model: type[M], *, key: uuid.UUID | None, create: Callable[[], M]
) -> tuple[M, bool]:
    """Run `create` unless a row with this key exists; return (row, created)."""
    if key is not None and (existing := model.objects.filter(idempotency_key=key).first()):
        return existing, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        # Two submits raced past the check above; the loser returns the winner's row.
        existing = model.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing, False
