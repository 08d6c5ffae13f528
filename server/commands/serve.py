"""`denkna serve`: run the server with a configuration file and/or DENKNA_* environment."""

from __future__ import annotations

import argparse
import errno
import gc
import logging
import socket
import sys

from aiohttp import web

from server.config import ConfigError, Settings, load_settings

HELP = "Start de Denkna-server (API voor de extensie, monitoring en dashboard)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML-configuratiebestand (anders DENKNA_CONFIG)")
    parser.add_argument("--host", help="adres om op te luisteren (standaard 127.0.0.1)")
    parser.add_argument("--port", type=int, help="poort (standaard 8080)")


def settings_from_args(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    if args.host or args.port:
        data = settings.model_dump()
        if args.host:
            data["server"]["host"] = args.host
        if args.port:
            data["server"]["port"] = args.port
        settings = Settings.model_validate(data)
    return settings


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # APScheduler reports every job run at INFO; the jobs log what matters themselves.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def serve(settings: Settings, banner: str | None = None) -> int:
    from server.app import create_app

    host, port = settings.server.host, settings.server.port
    if not port_free(host, port):
        print(f"Poort {port} op {host} is al in gebruik. Stop het andere programma of kies een "
              f"andere poort met --port (of DENKNA_SERVER_PORT).", file=sys.stderr)
        return 1
    app = create_app(settings)
    app.on_startup.append(_freeze_startup_objects)  # the last step of the start

    def announce(*_: object) -> None:
        print(banner or f"Denkna luistert op http://{host}:{port}", flush=True)

    try:
        web.run_app(app, host=host, port=port, print=announce, handle_signals=True)
    except OSError as exc:
        print(f"Kan niet luisteren op {host}:{port}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


async def _freeze_startup_objects(_app: web.Application) -> None:
    """What the start made (modules, settings, templates, lexicons: ~155,000 objects) lives as
    long as the server: keep it out of the cyclic GC's full collections, which otherwise walk it
    all every few seconds under load and stop the event loop for 55-80 ms each time on two
    shared cores (seen in bench/bench_login_flood.py as a stall of the staff's checks)."""
    gc.collect()
    gc.freeze()


def run(args: argparse.Namespace) -> int:
    try:
        settings = settings_from_args(args)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    configure_logging(settings.server.log_level)
    return serve(settings)
