"""JSON-lines scoring: one judgement (or one error) per input line, in input order.

Input lines are bytes and are decoded one by one, so that a line with invalid UTF-8 only
spoils itself. Each line is `{"id": ..., "text": "...", "context"?: {...}}`. A bad line
becomes `{"id": <id or null>, "line": N, "error": "<Dutch message>"}` in its place. The text
itself never appears in an error message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from classifiers.document import Context
from classifiers.pipeline import Scorer

CHUNK = 64
_CONTEXT_FIELDS = set(Context.__dataclass_fields__)
_JSON_TYPES = {
    dict: "een object",
    list: "een lijst",
    str: "een tekst",
    int: "een getal",
    float: "een getal",
    bool: "een waarheidswaarde",
    type(None): "null",
}


class LineError(ValueError):
    def __init__(self, message: str, id_: Any = None) -> None:
        super().__init__(message)
        self.id = id_


@dataclass
class Request:
    line: int
    id: Any
    text: str
    context: Context | None


def _kind(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def parse_line(raw: bytes, n: int) -> Request:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineError(
            f"Regel {n} is geen geldige UTF-8-tekst (ongeldige byte op positie {exc.start}).",
            _salvage_id(raw),
        ) from exc
    decoded = decoded.rstrip("\r\n")
    if not decoded.strip():
        raise LineError(f"Regel {n} is leeg; verwacht een JSON-object met een veld \"text\".")
    try:
        obj = json.loads(decoded)
    except json.JSONDecodeError as exc:
        raise LineError(
            f"Regel {n} is geen geldige JSON (fout op kolom {exc.colno})."
        ) from exc
    if not isinstance(obj, dict):
        raise LineError(f"Regel {n} is {_kind(obj)}, geen JSON-object met een veld \"text\".")
    id_ = obj.get("id")
    if "text" not in obj:
        raise LineError(f"Regel {n} mist het veld \"text\".", id_)
    text = obj["text"]
    if not isinstance(text, str):
        raise LineError(
            f"Het veld \"text\" op regel {n} moet een tekst zijn, maar is {_kind(text)}.", id_
        )
    if not text.strip():
        raise LineError(f"Het veld \"text\" op regel {n} is leeg.", id_)
    return Request(n, id_, text, _parse_context(obj.get("context"), n, id_))


def _salvage_id(raw: bytes) -> Any:
    """The id of a line whose text has bad bytes, when the rest of it is readable."""
    try:
        obj = json.loads(raw.decode("utf-8", errors="replace"))
    except json.JSONDecodeError:
        return None
    return obj.get("id") if isinstance(obj, dict) else None


def _parse_context(raw: Any, n: int, id_: Any) -> Context | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise LineError(
            f"Het veld \"context\" op regel {n} moet een object zijn, maar is {_kind(raw)}.", id_
        )
    values: dict[str, str] = {}
    for key, value in raw.items():
        if key not in _CONTEXT_FIELDS or value is None:
            continue
        if not isinstance(value, str):
            raise LineError(
                f"Het contextveld \"{key}\" op regel {n} moet een tekst zijn, "
                f"maar is {_kind(value)}.",
                id_,
            )
        values[key] = value
    return Context(**values)


def score_lines(
    lines: Iterable[bytes], scorer: Scorer, locale: str = "nl"
) -> Iterator[dict[str, Any]]:
    """Yield one output object per input line, in input order."""
    pending: list[tuple[int, Request | dict[str, Any]]] = []

    def flush() -> Iterator[dict[str, Any]]:
        requests = [item for _, item in pending if isinstance(item, Request)]
        judgements = iter(
            scorer.score_many([r.text for r in requests], [r.context for r in requests])
        )
        for _, item in pending:
            if isinstance(item, Request):
                out = {"id": item.id, **next(judgements).to_dict(locale)}
                yield out
            else:
                yield item
        pending.clear()

    for n, raw in enumerate(lines, start=1):
        try:
            item: Request | dict[str, Any] = parse_line(raw, n)
        except LineError as exc:
            item = {"id": exc.id, "line": n, "error": str(exc)}
        pending.append((n, item))
        if len(pending) >= CHUNK:
            yield from flush()
    if pending:
        yield from flush()
