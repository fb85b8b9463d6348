from levels.selectors import request_guide

from .navigation import navigation_for


def layout(request):
    """What the base layout needs on every page: the municipality, the akutt box, the menu."""
    return {"active_guide": request_guide(request), "navigation": navigation_for(request)}
