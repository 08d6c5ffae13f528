"""Keeps the one-time codes and states of a sign-in out of the access log: aiohttp logs each
request line with its query string, and the provider sends `?code=...&state=...`."""

from __future__ import annotations

import logging
import re

SECRET_PARAMS = re.compile(r"((?:^|[?&])(?:code|state|code_challenge|session_state)=)[^&\s\"]*")
ACCESS_LOGGER = "aiohttp.access"


class RedactSignIn(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/login/sso" in message:
            record.msg = re.sub(r"(/login/sso[^\s\"]*)", lambda m: SECRET_PARAMS.sub(
                r"\1…", m.group(1)), message)
            record.args = ()
        return True


def install() -> RedactSignIn:
    flt = RedactSignIn()
    logging.getLogger(ACCESS_LOGGER).addFilter(flt)
    return flt


def remove(flt: RedactSignIn) -> None:
    logging.getLogger(ACCESS_LOGGER).removeFilter(flt)
