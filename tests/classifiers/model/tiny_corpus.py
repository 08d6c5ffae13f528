"""A tiny labelled corpus (same schema as classifiers/data/*.jsonl) for fast tests."""

from __future__ import annotations

import json
import random
from pathlib import Path

INSULTS = ["sukkel", "loser", "kankerlijer", "idioot", "mongool", "debiel", "eikel"]
NAMES = ["Daan", "Sanne", "Bram", "Fleur", "Noah", "Emma", "Lucas", "Julia"]
GROUPS = ["moslims", "homo's", "joden", "vluchtelingen", "marokkanen"]
NEUTRAL = [
    "morgen is de sportdag op het veld achter de school",
    "de ouderavond begint om zeven uur in de aula",
    "vergeet jullie gymspullen niet mee te nemen",
    "de bibliotheek is vrijdag gesloten",
    "wat een mooie voorstelling van groep acht",
    "het rooster voor volgende week staat online",
]


def _records(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = i % 4
        name = rng.choice(NAMES)
        if kind == 0:
            text = f"{name} jij bent echt een {rng.choice(INSULTS)}"
            labels, subs = ["bullying"], ["bullying/insult"]
        elif kind == 1:
            text = f"alle {rng.choice(GROUPS)} moeten weg uit dit land"
            labels, subs = ["discrimination"], ["discrimination/exclusion"]
        elif kind == 2:
            text = f"bel {name} op 06{rng.randrange(10**7, 10**8)} voor de afspraak"
            labels, subs = ["personal_data"], ["personal_data/phone"]
        else:
            text = rng.choice(NEUTRAL)
            labels, subs = [], []
        out.append(
            {
                "id": f"t{seed}-{i}",
                "text": text,
                "labels": labels,
                "subtypes": subs,
                "hard_negative": None,
                "template": f"tpl{kind}",
                "context": {"account_type": "official", "author_role": "unknown"},
            }
        )
    return out


def write_tiny_corpus(directory: Path, n_train: int = 160, n_dev: int = 40) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for split, seed, n in (("train", 1, n_train), ("dev", 2, n_dev), ("test", 3, n_dev)):
        with (directory / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
            for rec in _records(seed, n):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return directory


_MODELS: dict[str, Path] = {}


def tiny_model(directory: Path) -> Path:
    """Train (once per test process) a small model on the tiny corpus; return its path."""
    from classifiers.model.build import build_model
    from classifiers.model.features import HashSettings
    from classifiers.model.train import TrainConfig

    key = "default"
    if key not in _MODELS or not _MODELS[key].exists():
        data = write_tiny_corpus(directory / "corpus")
        out = directory / "tiny.safetensors"
        config = TrainConfig(
            epochs=12,
            seed=7,
            dim=16,
            hidden=16,
            lr_embedding=0.05,
            feature_dropout=0.1,
            dropout=0.1,
            hash_settings=HashSettings(buckets=1 << 14),
        )
        build_model(data, out, config)
        _MODELS[key] = out
    return _MODELS[key]
