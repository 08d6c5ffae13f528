"""Training and development data of the encoder, from three sources.

- the template corpus (classifiers/data/train.jsonl, dev.jsonl): every output labelled, except
  that hostility at non-protected groups is labelled clean there (`hard_negative:
  group_neutral`), while the writers' policy calls it bullying: those rows teach nothing
  about bullying and are masked for it;
- the naturally written batches (classifiers/data/natural/wNN.jsonl), split by writer batch in
  natural/splits.yaml, so that no writer's style is in two splits;
- the functional development suites (classifiers/data/functional/), those listed under
  `train` in functional/splits.yaml. They label one category; the others are masked, and a
  positive label of another category is kept.

Each sample has a target and a mask per output: the categories the deep judge learns and
their subtypes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from classifiers.categories import SUBTYPES

DATA = Path(__file__).resolve().parents[1] / "data"
NATURAL = DATA / "natural"
FUNCTIONAL = DATA / "functional"
CATEGORIES = ("bullying", "discrimination", "profanity")
OUTPUTS: tuple[str, ...] = CATEGORIES + tuple(
    f"{c}/{s}" for c in ("bullying", "discrimination") for s in SUBTYPES[c])
# functional rows that the suites label clean but the writers' policy calls bullying
POLICY_BULLYING = frozenset({"nonprotected_group", "target_group_nh"})


@dataclass
class Sample:
    text: str
    target: list[float]
    mask: list[float]
    source: str


def _sample(text: str, labels: Iterable[str], subtypes: Iterable[str], source: str,
            known: Iterable[str]) -> Sample:
    """`known`: the outputs this source labels (categories; a known category labels its
    subtypes too when the source gives subtypes)."""
    labels, subtypes, known = set(labels), set(subtypes), set(known)
    target, mask = [], []
    for out in OUTPUTS:
        cat, _, sub = out.partition("/")
        if not sub:
            target.append(1.0 if cat in labels else 0.0)
            mask.append(1.0 if cat in known or cat in labels else 0.0)
        else:
            target.append(1.0 if out in subtypes else 0.0)
            # subtypes teach only when the source gives them for a labelled category
            mask.append(1.0 if cat in labels and any(s.startswith(cat + "/") for s in subtypes)
                        else 0.0)
    return Sample(text, target, mask, source)


def corpus(path: Path) -> list[Sample]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        known = set(CATEGORIES)
        if row.get("hard_negative") == "group_neutral":
            known.discard("bullying")
        out.append(_sample(row["text"], row["labels"], row.get("subtypes", []),
                           f"corpus:{path.stem}", known))
    return out


def natural_splits() -> dict[str, list[str]]:
    return yaml.safe_load((NATURAL / "splits.yaml").read_text(encoding="utf-8"))


def natural(split: str) -> list[Sample]:
    out = []
    for batch in natural_splits().get(split, []):
        out += natural_batch(NATURAL / f"{batch}.jsonl")
    return out


def natural_batch(path: Path) -> list[Sample]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(_sample(row["text"], row["labels"], row.get("subtypes", []),
                               f"natural:{path.stem}", CATEGORIES))
    return out


def functional_files(split: str = "train") -> list[Path]:
    names = yaml.safe_load((FUNCTIONAL / "splits.yaml").read_text(encoding="utf-8"))
    return [FUNCTIONAL / f"{n}.jsonl" for n in names.get(split, [])]


def functional(path: Path) -> list[Sample]:
    category = "bullying" if path.stem.startswith("bullying") else "discrimination"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        known = {category}
        if row.get("functionality") in POLICY_BULLYING:
            known.discard("bullying")
        subtypes = [f"bullying/{row['subtype']}"] if row.get("subtype") and \
            row["subtype"] in SUBTYPES["bullying"] else []
        out.append(_sample(row["text"], row["labels"], subtypes, f"functional:{path.stem}",
                           known))
    return out


def training_set() -> tuple[list[Sample], list[Sample]]:
    """(train, dev): train = corpus train + natural train + functional train files;
    dev = natural dev (early stopping and calibration; the stacker is fitted on it too)."""
    train = corpus(DATA / "train.jsonl") + natural("train")
    for path in functional_files("train"):
        train += functional(path)
    return train, natural("dev")


def sha256_of(samples: Sequence[Sample]) -> str:
    h = hashlib.sha256()
    for s in samples:
        h.update(json.dumps([s.text, s.target, s.mask], ensure_ascii=False).encode())
    return h.hexdigest()
