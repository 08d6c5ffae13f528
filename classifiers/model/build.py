"""`denkna train` end to end: read the corpus, train, calibrate, tune thresholds, save."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from classifiers.model.artefact import save_artefact
from classifiers.model.data import corpus_sha256, load_examples
from classifiers.model.predictor import Predictor
from classifiers.model.train import TrainConfig, train_model
from classifiers.model.tuning import components, pick_thresholds


@dataclass
class BuildReport:
    out: Path
    version: str
    epochs: int
    thresholds: dict[str, float]
    seconds: float
    n_train: int
    n_dev: int
    size_bytes: int


def build_model(
    data_dir: Path,
    out: Path,
    config: TrainConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    from classifiers.pipeline import Scorer

    started = time.perf_counter()
    train_path, dev_path = data_dir / "train.jsonl", data_dir / "dev.jsonl"
    for p in (train_path, dev_path):
        if not p.exists():
            raise FileNotFoundError(f"corpusbestand ontbreekt: {p}")
    train = load_examples(train_path)
    dev = load_examples(dev_path)
    sha = corpus_sha256([train_path, dev_path])
    result = train_model(train, dev, config, corpus_sha256=sha, progress=progress)
    predictor = Predictor(result.net, result.meta)
    scorer = Scorer(predictor=predictor, model_path=None)
    result.meta.thresholds = pick_thresholds(dev, components(scorer, dev), scorer.thresholds)
    save_artefact(result.net, result.meta, out)
    return BuildReport(
        out=out,
        version=result.meta.version,
        epochs=result.meta.epochs,
        thresholds=result.meta.thresholds,
        seconds=time.perf_counter() - started,
        n_train=len(train),
        n_dev=len(dev),
        size_bytes=out.stat().st_size,
    )


def retune(model: Path, data_dir: Path, out: Path) -> dict[str, float]:
    """Pick the operating points of an existing model again (e.g. after rule changes)."""
    from classifiers.model.artefact import load_artefact
    from classifiers.pipeline import Scorer

    net, meta = load_artefact(model)
    dev = load_examples(data_dir / "dev.jsonl")
    scorer = Scorer(predictor=Predictor(net, meta), model_path=None)
    meta.thresholds = pick_thresholds(dev, components(scorer, dev), scorer.thresholds)
    save_artefact(net, meta, out)
    return meta.thresholds
