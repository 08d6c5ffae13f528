"""The redacted rewrite: the whole text with names and identifiers replaced by placeholders.

Everything outside the detected spans is kept character for character, so the extension
can offer the result as a one-click fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from classifiers.personal_data.hits import Hit


def redact(text: str, hits: Iterable[Hit], placeholders: Mapping[str, str]) -> str:
    spans = sorted(
        (h for h in hits if h.kind in placeholders), key=lambda h: (h.start, -(h.end - h.start))
    )
    out: list[str] = []
    pos = 0
    for hit in spans:
        if hit.start < pos:  # overlaps a longer span already replaced
            continue
        out.append(text[pos : hit.start])
        out.append(placeholders[hit.kind])
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)
