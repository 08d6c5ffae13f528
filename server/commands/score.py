"""`denkna score`: score JSON lines from stdin or a file, one JSON line out per line in."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

HELP = (
    "Scoor teksten als JSON-regels: per regel {\"id\": ..., \"text\": ..., \"context\"?: {...}} "
    "van stdin (of --input), per regel één JSON-regel terug in dezelfde volgorde met scores, "
    "flags, taal en model. Een foute regel krijgt {\"id\", \"line\", \"error\"} op zijn plek; "
    "de rest gaat door (exitcode 0). Teksten langer dan 100.000 tekens worden afgekapt en "
    "gemarkeerd met \"truncated\": true. --mode deep (standaard) zet de encoder erbij; "
    "ontbreekt het encoderbestand, dan wordt snel gescoord (\"mode\": \"quick\") met een "
    "waarschuwing op stderr."
)
MODE_HELP = ("quick: regels en het kleine model (milliseconden); deep (standaard): met de "
             "encoder erbij (tientallen milliseconden per tekst)")


def add_mode_arguments(parser: argparse.ArgumentParser) -> None:
    """--mode and --encoder (`denkna score` and `denkna eval`)."""
    parser.add_argument("--mode", choices=("quick", "deep"), default="deep", help=MODE_HELP)
    parser.add_argument("--encoder", type=Path,
                        help="ander encoderbestand voor --mode deep (.safetensors)")


def scorer_arguments(args: argparse.Namespace, command: str) -> dict[str, Any] | None:
    """The Scorer's keyword arguments from --model, --rules-only, --mode and --encoder; None
    (after a Dutch message naming the file on stderr) when a file given does not exist."""
    kwargs: dict[str, Any] = {"mode": args.mode}
    if args.rules_only:
        kwargs["model_path"] = None
    elif args.model:
        if not args.model.exists():
            print(f"denkna {command}: modelbestand {args.model} bestaat niet", file=sys.stderr)
            return None
        kwargs["model_path"] = args.model
    if args.encoder is not None:
        if not args.encoder.exists():
            print(f"denkna {command}: encoderbestand {args.encoder} bestaat niet",
                  file=sys.stderr)
            return None
        kwargs["encoder_path"] = args.encoder
    return kwargs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", "-i", type=Path, help="JSON-lines-bestand (standaard: stdin)")
    parser.add_argument("--model", type=Path, help="ander modelbestand (.safetensors)")
    parser.add_argument("--rules-only", action="store_true", help="alleen regels, geen model")
    parser.add_argument("--locale", choices=("nl", "en"), default="nl", help="taal van uitleg")
    add_mode_arguments(parser)


def logs_to_stderr() -> None:
    """Keep stdout for results: some libraries (deduce) point the root logger at stdout
    and at DEBUG level when imported. Move such handlers to stderr, at WARNING."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
            handler.setStream(sys.stderr)
    if root.level < logging.WARNING:
        root.setLevel(logging.WARNING)


def run(args: argparse.Namespace) -> int:
    from classifiers.batch import score_lines
    from classifiers.pipeline import Scorer

    kwargs = scorer_arguments(args, "score")
    if kwargs is None:
        return 2
    if args.input is not None:
        try:
            source = args.input.open("rb")
        except OSError as exc:
            print(f"denkna score: kan {args.input} niet openen ({exc.strerror})", file=sys.stderr)
            return 2
    else:
        source = sys.stdin.buffer
    logs_to_stderr()
    scorer = Scorer(**kwargs)
    logs_to_stderr()  # again: loading the recognizers may import such a library
    out = sys.stdout
    try:
        for obj in score_lines(source, scorer, args.locale):
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
            out.flush()
    finally:
        if args.input is not None:
            source.close()
    return 0
