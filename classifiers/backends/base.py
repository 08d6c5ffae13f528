"""What every optional backend shares: a label map to our categories and a clear error."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from classifiers.categories import ALL_CATEGORIES


class BackendError(RuntimeError):
    """A backend cannot be loaded or configured; the message is Dutch."""


def check_label_map(label_map: Mapping[str, str | None]) -> dict[str, str]:
    """Model label -> category. Labels mapped to None/"" are ignored."""
    out: dict[str, str] = {}
    for label, cat in label_map.items():
        if not cat:
            continue
        if cat not in ALL_CATEGORIES:
            raise BackendError(
                f"Label {label!r} verwijst naar onbekende categorie {cat!r}; "
                f"kies uit {', '.join(ALL_CATEGORIES)}."
            )
        out[str(label)] = cat
    if not out:
        raise BackendError("De labelkoppeling koppelt geen enkel label aan een categorie.")
    return out


def fold(label_probs: Mapping[str, float], label_map: Mapping[str, str]) -> dict[str, float]:
    """Per category the highest probability of the model labels mapped to it."""
    out: dict[str, float] = {}
    for label, p in label_probs.items():
        cat = label_map.get(label)
        if cat is not None:
            out[cat] = max(out.get(cat, 0.0), float(p))
    return out


@contextmanager
def offline() -> Iterator[None]:
    """Make sure no Hugging Face code reaches the network while a backend loads."""
    keys = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    saved = {k: os.environ.get(k) for k in keys}
    for k in keys:
        os.environ[k] = "1"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
