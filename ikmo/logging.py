"""Logging helpers referenced from settings.LOGGING."""

import logging


class NoTracebackForClientErrors(logging.Filter):
    """Django logs a 403 (PermissionDenied) or 400 with the exception's full traceback. It is
    the expected answer to someone opening a page they may not see, not a fault: one line
    ("Forbidden (Permission denied): /path") is enough; 5xx keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
