"""The `denkna` command line: a registry of subcommand modules in server/commands/, plus those
that packages building on the server declare (server/plugins.py: `denkna demo`)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from server import plugins

# name -> module under server.commands (kept in the order `denkna --help` lists them)
COMMANDS: dict[str, str] = {
    "run": "run",
    "serve": "serve",
    "score": "score",
    "eval": "evaluate",
    "train": "train",
    "admin": "admin",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="denkna", description="Denkna: denk na voordat je iets plaatst."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {name: f"server.commands.{module}" for name, module in COMMANDS.items()}
    for name, module_name in {**modules, **plugins.commands()}.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # command not built (yet) in this checkout
            raise
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
