"""Loaded into test workers with ``celery worker -I``. When CRASH_MARKER names a file that
does not exist yet, the first "mark paid" step writes it and then hangs *inside its open
transaction*, so the test can SIGKILL the worker mid-pipeline."""

import os
import time
from pathlib import Path

_marker = os.environ.get("CRASH_MARKER")

if _marker:
    from shop import handlers

    _original = handlers.order_pay_on_capture

    def order_pay_on_capture(payload, *, event_id):
        _original(payload, event_id=event_id)
        marker = Path(_marker)
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(600)

    handlers.order_pay_on_capture = order_pay_on_capture
