"""gunicorn's settings for BTS (read from the working directory; `make bench` runs with them)."""

import gc


def post_worker_init(worker):
    # What the app loaded (Django, templates, the URL map) lives as long as the worker: out of
    # the collector's generations, a full collection no longer walks it, which took some 5-10 %
    # of a case page's time (p50 and p95) in an in-process measurement.
    gc.collect()
    gc.freeze()
