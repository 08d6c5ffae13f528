"""A monitoring-only instance: the app's startup (migrations, scorer) and the scheduler, without
an HTTP listener. `python -m schedules.worker [--config denkna.toml]`; settings as for the
server (`DENKNA_*`), monitoring from `DENKNA_MONITORING_*`. Stops on SIGTERM / SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from aiohttp import web

from server.app import create_app
from server.config import ConfigError, load_settings, monitoring_settings


async def run(config: str | None) -> int:
    try:
        settings = load_settings(config)
        monitoring_settings(settings)  # a bad [monitoring] section stops here, named
    except (ConfigError, ValueError) as exc:
        print(f"denkna worker: {exc}", file=sys.stderr)
        return 2
    app = create_app(settings)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()  # runs the startup contexts: database, scorer, scheduler
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("denkna worker: monitoring gestart", flush=True)
    await stop.wait()
    await runner.cleanup()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schedules.worker",
                                     description="Denkna: alleen de monitoring (geen HTTP).")
    parser.add_argument("--config", help="TOML-configuratiebestand")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    return asyncio.run(run(args.config))


if __name__ == "__main__":
    sys.exit(main())
