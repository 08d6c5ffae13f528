"""Reading JSON request bodies with a nesting limit.

`json.loads` recurses once per level: 1,000 levels of `{"a": ...}` raise RecursionError, which
used to surface as a 500. Every JSON endpoint reads its body through `loads` (directly, through
`server.api.body.read_json`, or as `await request.json(loads=loads)`), which answers a body
nested deeper than MAX_DEPTH with a 400 in the API's JSON error shape before parsing it.
No request body of the API needs more than a handful of levels.
"""

from __future__ import annotations

import json
import re
from typing import Any

from server.errors import ApiError

MAX_DEPTH = 32
# a JSON string (skipped whole, so brackets inside text do not count) or one bracket
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def too_deep(text: str, max_depth: int = MAX_DEPTH) -> bool:
    """Whether `text` opens more than `max_depth` arrays/objects inside each other."""
    if text.count("[") + text.count("{") <= max_depth:  # the usual body: no scan needed
        return False
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif token in "]}":
            depth -= 1
    return False


def too_deep_error() -> ApiError:
    return ApiError(400, "json_too_deep",
                    f"De JSON is te diep genest: hoogstens {MAX_DEPTH} niveaus.")


def loads(text: str | bytes) -> Any:
    """`json.loads` that refuses deep nesting with an ApiError (400, `json_too_deep`).
    Invalid JSON still raises ValueError, as json.loads does, for the caller's own message."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")  # UnicodeDecodeError is a ValueError
    if too_deep(text):
        raise too_deep_error()
    try:
        return json.loads(text)
    except RecursionError:  # not reachable below MAX_DEPTH; kept as a guard
        raise too_deep_error() from None
