"""The `denkna` command line: a registry of subcommand modules in server/commands/, plus those
that packages building on the server declare (server/plugins.py: `denkna demo`)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# name -> module under server.commands (kept in the order `denkna --help` lists them)
COMMANDS: dict[str, str] = {
    "run": "run",
    "serve": "serve",
    "score": "score",
    "eval": "evaluate",
    "train": "train",
    "admin": "admin",
    "accounts": "accounts",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command, or with just `only` (then only that command's module is
    imported: `denkna admin ...` must not load the classifiers, which takes seconds)."""
    parser = argparse.ArgumentParser(
        prog="denkna", description="Denkna: denk na voordat je iets plaatst."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {name: f"server.commands.{module}" for name, module in COMMANDS.items()}
    if only is None or only not in modules:
        from server import plugins  # entry points of other packages (`denkna demo`)

        modules.update(plugins.commands())
    if only is not None and only in modules:
        modules = {only: modules[only]}
    for name, module_name in modules.items():
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
    args_in = list(sys.argv[1:] if argv is None else argv)
    first = args_in[0] if args_in else None
    parser = build_parser(first if first in COMMANDS else None)
    args = parser.parse_args(args_in)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
