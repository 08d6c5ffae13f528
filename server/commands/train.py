"""`denkna train`: train the learned model on the corpus and write the artefact.

`denkna train --encoder`: fine-tune the deep mode's encoder and fit its stacker
(classifiers.encoder.build); `--stacker-only` fits the stacker of an existing encoder artefact
again. Both take about half an hour and more on a school server's CPU.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

HELP = (
    "Train het Denkna-model (fastText-stijl) op de train-split, stop vroeg en kalibreer op "
    "dev, kies drempels per categorie op dev en schrijf het modelbestand (.safetensors). "
    "Met --encoder: train de encoder van de diepe controle (de bovenste --layers lagen) en "
    "pas de stacker aan; met --encoder --stacker-only alleen de stacker van een bestaand "
    "encoderbestand."
)
MAX_LAYERS = 12  # multilingual-e5-small has 12


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from classifiers.model.data import DEFAULT_DATA_DIR
    from classifiers.model.train import TrainConfig

    defaults = TrainConfig()
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                        help="map met train.jsonl en dev.jsonl (niet voor --encoder)")
    parser.add_argument("--out", type=Path, default=None,
                        help="waar het modelbestand komt (standaard het meegeleverde model, "
                             "met --encoder het meegeleverde encoderbestand)")
    parser.add_argument("--epochs", type=int, default=None,
                        help=f"maximaal aantal epochs (standaard {defaults.epochs}, "
                             "met --encoder 5)")
    parser.add_argument("--seed", type=int, default=None,
                        help=f"toevalszaadje (standaard {defaults.seed}, met --encoder 0)")
    parser.add_argument("--threads", type=int, default=None,
                        help=f"torch-threads (standaard {defaults.threads}, met --encoder 2)")
    parser.add_argument("--encoder", action="store_true",
                        help="de encoder van de diepe controle trainen in plaats van het "
                             "fastText-model")
    parser.add_argument("--layers", type=int, default=None,
                        help="met --encoder: hoeveel bovenste lagen meegetraind worden "
                             "(standaard 8)")
    parser.add_argument("--stacker-only", action="store_true",
                        help="met --encoder: alleen de stacker opnieuw passen op het "
                             "bestaande encoderbestand (--out)")


def _override(config: object, args: argparse.Namespace, **fields: str) -> None:
    """Set each config field from the argument of that name when it was given."""
    for name, arg in fields.items():
        value = getattr(args, arg)
        if value is not None:
            setattr(config, name, value)


def _fail(message: str) -> int:
    print(f"denkna train: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    if args.epochs is not None and args.epochs < 1:
        return _fail("--epochs moet minstens 1 zijn")
    if args.encoder:
        return _run_encoder(args)
    if args.layers is not None:
        return _fail("--layers hoort bij --encoder")
    if args.stacker_only:
        return _fail("--stacker-only hoort bij --encoder")
    return _run_model(args)


def _run_model(args: argparse.Namespace) -> int:
    from classifiers.model.artefact import DEFAULT_MODEL_PATH
    from classifiers.model.build import build_model
    from classifiers.model.data import CorpusFileError
    from classifiers.model.train import TrainConfig
    from server.commands.score import logs_to_stderr

    logs_to_stderr()
    config = TrainConfig()
    _override(config, args, epochs="epochs", seed="seed", threads="threads")
    try:
        report = build_model(
            args.data_dir, args.out or DEFAULT_MODEL_PATH, config,
            progress=lambda m: print(m, file=sys.stderr)
        )
    except (FileNotFoundError, CorpusFileError) as exc:
        return _fail(str(exc))
    print(f"Model {report.version} geschreven naar {report.out} "
          f"({report.size_bytes / 1e6:.1f} MB) in {report.seconds:.1f} s; "
          f"{report.n_train} train- en {report.n_dev} dev-teksten, beste epoch {report.epochs}.")
    print("Drempels: " + ", ".join(f"{c}={t:.3f}" for c, t in sorted(report.thresholds.items())))
    return 0


def _run_encoder(args: argparse.Namespace) -> int:
    from classifiers.encoder.artefact import DEFAULT_ENCODER_PATH
    from server.commands.score import logs_to_stderr

    out: Path = args.out or DEFAULT_ENCODER_PATH
    if args.layers is not None and not 1 <= args.layers <= MAX_LAYERS:
        return _fail(f"--layers moet tussen 1 en {MAX_LAYERS} liggen")
    if args.stacker_only:
        if args.layers is not None or args.epochs is not None:
            return _fail("--stacker-only traint geen lagen: laat --layers en --epochs weg")
        if not out.exists():
            return _fail(f"encoderbestand {out} bestaat niet; train het eerst met "
                         "`denkna train --encoder`")
    logs_to_stderr()

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.stacker_only:
        return _refit_stacker(out, args.threads, progress)
    from classifiers.encoder.build import build_encoder
    from classifiers.encoder.source import EncoderUnavailable
    from classifiers.encoder.train import EncoderTrainConfig

    config = EncoderTrainConfig()
    _override(config, args, trainable="layers", epochs="epochs", seed="seed", threads="threads")
    try:
        meta = build_encoder(out, config, progress=progress)
    except (EncoderUnavailable, FileNotFoundError) as exc:
        return _fail(str(exc))
    print(f"Encoder {meta.version} geschreven naar {out}; lagen {meta.trainable_layers} "
          f"meegetraind, beste epoch {meta.epochs}.")
    return 0


def _refit_stacker(path: Path, threads: int | None, progress: Callable[[str], None]) -> int:
    from classifiers.encoder.build import refit_stacker
    from classifiers.encoder.judge import EncoderJudge
    from classifiers.encoder.source import EncoderUnavailable

    try:
        judge = EncoderJudge.load(path, num_threads=threads or 2)
    except EncoderUnavailable as exc:
        return _fail(str(exc))
    refit_stacker(path, judge, progress=progress)
    print(f"Stacker van {path} opnieuw gepast.")
    return 0
