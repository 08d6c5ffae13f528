"""Reading the labelled corpus (classifiers/data/*.jsonl) for training and evaluation."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifiers.categories import ALL_CATEGORIES, SUBTYPES
from classifiers.document import Context

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SPLITS = ("train", "dev", "test")


class CorpusFileError(ValueError):
    """A corpus file cannot be read; the message is Dutch and names the line."""


@dataclass
class Example:
    id: str
    text: str
    labels: list[str]
    subtypes: list[str] = field(default_factory=list)
    hard_negative: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    template: str | None = None

    def context_obj(self) -> Context:
        return context_from_dict(self.context)


def context_from_dict(data: dict[str, Any] | None) -> Context:
    if not data:
        return Context()
    known = {k: v for k, v in data.items() if k in Context.__dataclass_fields__ and v is not None}
    return Context(**{k: str(v) for k, v in known.items()})


def label_names() -> list[str]:
    """Model output labels: the categories, then every "category/subtype"."""
    return list(ALL_CATEGORIES) + [f"{c}/{s}" for c in ALL_CATEGORIES for s in SUBTYPES[c]]


def load_examples(path: Path) -> list[Example]:
    out: list[Example] = []
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            line = raw.strip()
            if not line:
                continue
            try:
                rec = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise CorpusFileError(f"{path}, regel {n}: geen geldige JSON ({exc})") from exc
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                raise CorpusFileError(f"{path}, regel {n}: verwacht een object met 'text'")
            labels = rec.get("labels") or []
            if not isinstance(labels, list):
                raise CorpusFileError(f"{path}, regel {n}: 'labels' moet een lijst zijn")
            unknown = [lab for lab in labels if lab not in ALL_CATEGORIES]
            if unknown:
                raise CorpusFileError(f"{path}, regel {n}: onbekende categorie {unknown[0]!r}")
            out.append(
                Example(
                    id=str(rec.get("id", n)),
                    text=rec["text"],
                    labels=list(labels),
                    subtypes=list(rec.get("subtypes") or []),
                    hard_negative=rec.get("hard_negative"),
                    context=rec.get("context") or {},
                    template=rec.get("template"),
                )
            )
    return out


def corpus_sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for p in paths:
        digest.update(p.name.encode())
        digest.update(p.read_bytes())
    return digest.hexdigest()
