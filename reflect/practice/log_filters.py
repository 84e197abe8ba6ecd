"""Keeps assignment codes out of logs.

A join link (/practice/join/<code>/) carries a live code: anyone who reads it in a log could open
the assignment or take it up. The join form posts the code in its body, never in the path, but
the link itself is still requested once, and Django logs the path of a link that gives a 4xx
(`django.request`) and the request line of every request under runserver (`django.server`),
including a `next=` that points back at the link. This filter, set on those loggers in
settings.LOGGING, hides whatever follows /practice/join/ before any handler sees the record.
"""

import logging
import re

JOIN_PATH = re.compile(r"(/practice/join/|%2Fpractice%2Fjoin%2F)[^\s\"'?&#]+", re.IGNORECASE)
HIDDEN = r"\1[code hidden]"


def hide_codes(text: str) -> str:
    return JOIN_PATH.sub(HIDDEN, text)


class HideAssignmentCodes(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that can't be formatted is left for logging's own error handling
            return True
        hidden = hide_codes(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True
