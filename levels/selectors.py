"""Reads of the action guide. The guide in use changes rarely (a new file is loaded, or the
administrator edits it) and every page shows part of it, so each process keeps it in memory
for a short while instead of asking the database on every request."""

import threading
import time

from django.db.models import Prefetch

from bts.tenancy import current_municipality_id

from .models import Guide, Level, Step

# How long a process trusts its copy. Loading a guide, and any save of a guide, level, step
# or acute contact, clears the copy in that process at once (levels.apps); other processes
# see the change within this time.
GUIDE_CACHE_SECONDS = 30

_cache_lock = threading.Lock()
# Per municipality id (None: no municipality in context) the time read and the guide.
_cache: dict[int | None, tuple[float, Guide | None]] = {}


def guide_cache_clear(*args, **kwargs) -> None:
    """Forget this process's copies of guides (a signal receiver, hence the arguments)."""
    with _cache_lock:
        _cache.clear()


def _load_active_guide(municipality_id: int | None) -> Guide | None:
    """The municipality's guide in use. With no municipality in context (a sign-in page, a
    command that names none), the installation's guide if it has exactly one, else None."""
    steps = Step.objects.order_by("position")
    levels = Level.objects.order_by("number").prefetch_related(Prefetch("steps", queryset=steps))
    active = Guide.objects.filter(is_active=True)
    if municipality_id is not None:
        active = active.filter(municipality_id=municipality_id)
    else:
        only = list(active.values_list("pk", flat=True)[:2])
        active = active.filter(pk__in=only if len(only) == 1 else [])
    guide = (
        active.select_related("municipality")
        .prefetch_related("acute_contacts", "meeting_kinds", Prefetch("levels", queryset=levels))
        .first()
    )
    if guide is not None:
        for level in guide.levels.all():
            for step in level.steps.all():
                step.level = level  # no query for step.level later
    return guide


def active_guide(municipality_id: int | None = None) -> Guide | None:
    """The guide in use in `municipality_id` (else the municipality the work is for, see
    bts.tenancy), with its acute contacts, levels and steps (read-only: it is shared by the
    requests of this process)."""
    if municipality_id is None:
        municipality_id = current_municipality_id()
    now = time.monotonic()
    cached = _cache.get(municipality_id)
    if cached is not None and now - cached[0] < GUIDE_CACHE_SECONDS:
        return cached[1]
    guide = _load_active_guide(municipality_id)
    with _cache_lock:
        _cache[municipality_id] = (now, guide)
    return guide


def municipality_id_by_number(number: str) -> int | None:
    """The municipality with this kommunenummer that has a guide in use, else None."""
    if not (len(number) == 4 and number.isdigit()):
        return None
    found = Guide.objects.filter(is_active=True, municipality__number=number)
    return found.values_list("municipality_id", flat=True).first()


def case_guide(case) -> Guide | None:
    """The guide a case follows: its municipality's."""
    return active_guide(case.municipality_id)


def guide_levels(guide: Guide) -> list[Level]:
    return list(guide.levels.all())


def _ordered_steps(guide: Guide) -> list[Step]:
    return [step for level in guide.levels.all() for step in level.steps.all()]


def guide_step(guide: Guide, code: str) -> Step | None:
    return next((step for step in _ordered_steps(guide) if step.code == code), None)


def step_titles(guide: Guide | None) -> dict[str, str]:
    """Each step's code to its title. Made once per copy of the guide and kept on it, so a list
    of any length names its steps without a query (the cached guide has its steps)."""
    if guide is None:
        return {}
    titles = guide.__dict__.get("_step_titles")
    if titles is None:
        titles = {step.code: step.title for step in _ordered_steps(guide)}
        guide._step_titles = titles
    return titles


def step_with_neighbours(guide: Guide, code: str) -> tuple[Step | None, Step | None, Step | None]:
    """The step, and the previous and next step in the guide's reading order across levels."""
    steps = _ordered_steps(guide)
    for i, step in enumerate(steps):
        if step.code == code:
            previous = steps[i - 1] if i > 0 else None
            following = steps[i + 1] if i + 1 < len(steps) else None
            return step, previous, following
    return None, None, None


def request_guide(request) -> Guide | None:
    """The guide of the municipality this request works for at this point (bts.tenancy): the
    person's own, or the case's once a case is read."""
    return active_guide()


def meeting_kinds(guide: Guide | None) -> list:
    return list(guide.meeting_kinds.all()) if guide is not None else []


def meeting_kind_name(code: str) -> str:
    """The name of a meeting kind in the guide in use, else its code."""
    kind = next((k for k in meeting_kinds(active_guide()) if k.code == code), None)
    return kind.name if kind is not None else code


def meeting_kinds_for(guide: Guide | None, level: int, step_code: str):
    """The meeting kinds that may be booked at this level and step, and the one the step calls
    for (the form's default), or None."""
    kinds = [k for k in meeting_kinds(guide) if k.fits(level, step_code)]
    step = guide_step(guide, step_code) if guide is not None else None
    wanted = step.meeting_kind if step is not None else ""
    default = next((k for k in meeting_kinds(guide) if k.code == wanted), None)
    if default is not None and default not in kinds:
        kinds.insert(0, default)
    return kinds, default


def kind_for_purpose(guide: Guide | None, purpose: str) -> str | None:
    """The code of the guide's meeting kind with this purpose (e.g. familiehjelpa's barneteam)."""
    return next((k.code for k in meeting_kinds(guide) if k.purpose == purpose), None)
