"""`denkna train`: train the learned model on the corpus and write the artefact."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = (
    "Train het Denkna-model (fastText-stijl) op de train-split, stop vroeg en kalibreer op "
    "dev, kies drempels per categorie op dev en schrijf het modelbestand (.safetensors)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from classifiers.model.artefact import DEFAULT_MODEL_PATH
    from classifiers.model.data import DEFAULT_DATA_DIR
    from classifiers.model.train import TrainConfig

    defaults = TrainConfig()
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                        help="map met train.jsonl en dev.jsonl")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH,
                        help="waar het modelbestand komt")
    parser.add_argument(
        "--epochs", type=int, default=defaults.epochs, help="maximaal aantal epochs"
    )
    parser.add_argument("--seed", type=int, default=defaults.seed, help="toevalszaadje")
    parser.add_argument("--threads", type=int, default=defaults.threads, help="torch-threads")


def run(args: argparse.Namespace) -> int:
    from classifiers.model.build import build_model
    from classifiers.model.data import CorpusFileError
    from classifiers.model.train import TrainConfig
    from server.commands.score import logs_to_stderr

    if args.epochs < 1:
        print("denkna train: --epochs moet minstens 1 zijn", file=sys.stderr)
        return 2
    logs_to_stderr()
    config = TrainConfig(epochs=args.epochs, seed=args.seed, threads=args.threads)
    try:
        report = build_model(
            args.data_dir, args.out, config, progress=lambda m: print(m, file=sys.stderr)
        )
    except (FileNotFoundError, CorpusFileError) as exc:
        print(f"denkna train: {exc}", file=sys.stderr)
        return 2
    print(f"Model {report.version} geschreven naar {report.out} "
          f"({report.size_bytes / 1e6:.1f} MB) in {report.seconds:.1f} s; "
          f"{report.n_train} train- en {report.n_dev} dev-teksten, beste epoch {report.epochs}.")
    print("Drempels: " + ", ".join(f"{c}={t:.3f}" for c, t in sorted(report.thresholds.items())))
    return 0
