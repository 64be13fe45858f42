"""Log filter that masks personal information before anything is written."""

import logging


class RedactPIFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from .masking import redact_pi

        record.msg = redact_pi(record.getMessage())
        record.args = ()
        return True
