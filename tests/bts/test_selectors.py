import re

import pytest
from django.utils import timezone

from bts.models import User
from bts.selectors import _compiled_user_annotations, _user_annotations, user_with_memberships

pytestmark = pytest.mark.django_db


def _sql(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return re.sub(r"[\s()]", "", sql), tuple(params)


def test_the_users_compiled_annotations_are_what_the_orm_compiles_fresh(make_user):
    """The one-a-day compiled memberships subquery is the ORM's own SQL: if Django's output
    changes, this fails before a stale copy is used."""
    user = make_user()
    cached = dict(_compiled_user_annotations(timezone.localdate()))
    fresh = User._default_manager.filter(pk=user.pk).annotate(**_user_annotations())
    assert _sql(User._default_manager.filter(pk=user.pk).annotate(**cached)) == _sql(fresh)
    loaded = user_with_memberships(user.pk)
    assert [m.service_id for m in loaded._bts_memberships] == [
        m.service_id for m in user.memberships.all()
    ]
