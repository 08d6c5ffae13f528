"""The packages that build on the server plug into it by name, through entry points declared
in pyproject.toml; the server never imports them. Two groups:

- `denkna.app`: a `setup(app)` that server/app.py calls after the server's own features
  (`schedules`: the scheduler and its jobs).
- `denkna.commands`: a module that adds a `denkna` subcommand (`denkna_demo`: `denkna demo`),
  shaped like those in server/commands/.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib.metadata import entry_points

from aiohttp import web

log = logging.getLogger("denkna.server")

APP_GROUP = "denkna.app"
COMMANDS_GROUP = "denkna.commands"


def app_features() -> list[Callable[[web.Application], None]]:
    """The `setup(app)` of every installed package in `denkna.app`, in name order."""
    found = {ep.name: ep for ep in entry_points(group=APP_GROUP)}
    if not found:
        log.warning("no package in %s is installed: accounts are not polled and the retention "
                    "purge does not run (reinstall with `make setup`)", APP_GROUP)
    return [found[name].load() for name in sorted(found)]


def commands() -> dict[str, str]:
    """Subcommand name -> the dotted name of its module (HELP, add_arguments, run)."""
    found = {ep.name: ep.value for ep in entry_points(group=COMMANDS_GROUP)}
    return {name: found[name] for name in sorted(found)}
