"""Keep personal data out of the logs: email addresses are masked in every record, tracebacks included.

Code logs ids, never names or emails; this is the net under it, for what a library or the database puts into
an error message (PostgreSQL's "Key (email)=(...) already exists", for one).
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
MASK = "<email>"


class RedactEmails(logging.Filter):
    """Mask email addresses in a record's message and traceback before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if EMAIL.search(message):
            record.msg, record.args = EMAIL.sub(MASK, message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text, record.exc_info = EMAIL.sub(MASK, record.exc_text), None
        return True


def install(*loggers: logging.Logger) -> None:
    """Add the filter to every handler of the root logger and of the loggers given (once each)."""
    for logger in (logging.getLogger(), *loggers):
        for handler in logger.handlers:
            if not any(isinstance(f, RedactEmails) for f in handler.filters):
                handler.addFilter(RedactEmails())
