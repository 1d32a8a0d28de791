"""Batched audit lines for API look-ups: each is logged, in one multi-row INSERT per worker and second.

A script checking certificates one by one would otherwise pay an INSERT and a COMMIT per look-up, more than
the look-up itself. Lines wait at most ACADEMY_VERIFY_LOG_DELAY seconds (and MAX_BATCH lines) in the worker;
a clean shutdown flushes them (atexit); only a killed worker can lose that last second. With a delay of 0
(the default under TESTING) each line is written in the request's own transaction.
"""

from __future__ import annotations

import atexit
import logging
import threading

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from academy.certificates.models import AuditEvent

log = logging.getLogger(__name__)
MAX_BATCH = 500
_INSERT = insert(AuditEvent.__table__)


class VerificationLog:
    """A per-process buffer of certificate.verified rows, written by a short timer thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: list[dict] = []
        self._engine: Engine | None = None
        self._timer: threading.Timer | None = None

    def add(self, engine: Engine, row: dict, delay: float) -> None:
        """Queue one row; write the batch when it is full or when the delay has passed."""
        with self._lock:
            self._rows.append(row)
            self._engine = engine
            full = len(self._rows) >= MAX_BATCH
            if not full and self._timer is None:
                self._timer = threading.Timer(delay, self.flush)
                self._timer.daemon = True
                self._timer.start()
        if full:
            self.flush()

    def flush(self) -> int:
        """Write every queued row in one INSERT; return how many were written."""
        with self._lock:
            rows, engine, timer = self._rows, self._engine, self._timer
            self._rows, self._timer = [], None
        if timer is not None and timer is not threading.current_thread():
            timer.cancel()
        if not rows or engine is None:
            return 0
        try:
            with engine.begin() as conn:
                conn.execute(_INSERT, rows)
        except Exception:  # the audit must not take a worker down; say loudly what was lost
            log.exception("could not write %d verification audit line(s)", len(rows))
            return 0
        return len(rows)


buffer = VerificationLog()
atexit.register(buffer.flush)
