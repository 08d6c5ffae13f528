"""`denkna eval FILE`: quality and speed of the scorer on a labelled JSON-lines file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from server.commands.score import add_mode_arguments

HELP = (
    "Meet precisie, recall en F1 per categorie en subtype, een verwarringstabel, het aandeel "
    "harde negatieven met een vlag en de snelheid, op een gelabeld JSON-lines-bestand "
    "(zelfde vorm als classifiers/data/test.jsonl)."
)


MODE_NAMES = {"quick": "snel", "deep": "diep, met de encoder"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="gelabeld JSON-lines-bestand")
    parser.add_argument("--json", action="store_true", help="uitvoer als één JSON-object")
    parser.add_argument("--model", type=Path, help="ander modelbestand (.safetensors)")
    parser.add_argument("--rules-only", action="store_true", help="alleen regels, geen model")
    add_mode_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from classifiers.evaluation import evaluate
    from classifiers.model.data import CorpusFileError, load_examples
    from classifiers.pipeline import Scorer
    from server.commands.score import logs_to_stderr, scorer_arguments

    try:
        examples = load_examples(args.file)
    except FileNotFoundError:
        print(f"denkna eval: bestand {args.file} bestaat niet", file=sys.stderr)
        return 2
    except (CorpusFileError, OSError) as exc:
        print(f"denkna eval: {exc}", file=sys.stderr)
        return 2
    kwargs = scorer_arguments(args, "eval")
    if kwargs is None:
        return 2
    logs_to_stderr()
    scorer = Scorer(**kwargs)
    logs_to_stderr()
    report = evaluate(scorer, examples)
    # the mode it really scored in: deep without a usable encoder file is quick (and says so)
    mode = scorer.mode
    if args.json:
        print(json.dumps({"mode": mode, **report.to_dict()},
                         ensure_ascii=False, indent=2))
    else:
        print(f"Controle: {MODE_NAMES[mode]}")
        print(report.format())
    return 0
