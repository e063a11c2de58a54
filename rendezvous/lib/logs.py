"""Logging: an expected refusal (403, 404) is one line, not a traceback."""

import logging


class OneLineForClientErrors(logging.Filter):
    """Django logs a 403 or 404 with the exception that caused it; for a refusal that is
    working as intended the traceback is noise. Server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
