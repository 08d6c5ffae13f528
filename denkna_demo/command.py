"""`denkna demo`: the whole escalation flow on one machine in a few minutes.

Starts the server on embedded defaults (SQLite in a temporary folder), a fake Facebook page
whose scripted thread derails over a minute or so, a local SMTP sink (aiosmtpd) whose mails
are shown at /demo/mail and printed to the console, and a leadership login."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import logging
import secrets
import tempfile
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

HELP = "Demo: een nep-Facebookpagina die ontspoort, meldingen en het dashboard (lokaal)."
DEMO_EMAIL = "directie@demo.denkna.nl"
STAFF_EMAILS = ("juf.petra@demo.denkna.nl", "meester.ruud@demo.denkna.nl")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="adres (standaard 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="poort (standaard 8080)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="tempo van de nepdiscussie: 1 = ca. een minuut, 0.2 = vijf keer "
                             "zo snel")
    parser.add_argument("--poll-seconds", type=float, default=5.0,
                        help="hoe vaak de nep-pagina wordt opgehaald (standaard 5 s)")
    parser.add_argument("--var-dir", default=None,
                        help="map voor de demodatabase (standaard een tijdelijke map)")
    parser.add_argument("--password", default=None,
                        help="wachtwoord voor de demo-directeur (standaard willekeurig)")


class MailBox:
    """aiosmtpd handler: keeps mails for /demo/mail and prints a line per mail."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(msg)
        print(f"  ✉  mail aan {msg['To']}: {msg['Subject']}", flush=True)
        return "250 OK"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mail_page(box: MailBox) -> str:
    items = []
    for m in reversed(box.messages):
        part = m.get_body(preferencelist=("plain",)) if hasattr(m, "get_body") else None
        text = part.get_content() if part is not None else str(m.get_payload())
        items.append(
            f"<article><h2>{html.escape(str(m['Subject']))}</h2>"
            f"<p class='meta'>Aan: {html.escape(str(m['To']))} · {html.escape(str(m['Date']))}"
            f"</p><pre>{html.escape(text)}</pre></article>")
    body = "".join(items) or "<p>Nog geen mail. Wacht tot de discussie ontspoort.</p>"
    return ("<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
            "<meta http-equiv='refresh' content='5'><title>Demo-mail – Denkna</title>"
            "<link rel='stylesheet' href='/dashboard/static/dashboard.css'></head>"
            "<body><main><h1>Verstuurde mail (demo)</h1>"
            "<p class='muted'>Alles wat Denkna mailt, komt in deze demo hier terecht. "
            "De pagina ververst elke 5 seconden. <a href='/dashboard/'>Naar het dashboard</a>"
            f"</p>{body}</main></body></html>")


async def _main(args: argparse.Namespace) -> int:
    # imported here, not at the top: `denkna --help` reads this module too
    from aiohttp import web
    from aiosmtpd.controller import Controller

    from denkna_demo.fakes import FakePlatformServer, FakeWorld
    from denkna_demo.scenario import Scenario
    from server import admin_ops, keys
    from server.app import create_app
    from server.config import MonitoringSettings, Settings
    from server.escalation.alerts import SmtpSettings
    from server.escalation.service import EscalationConfig
    from server.escalation.setup import ESCALATION_CONFIG
    from server.passwords import hash_password
    from server.platforms.credentials import store_token
    from server.storage.models import User

    var = Path(args.var_dir) if args.var_dir else Path(tempfile.mkdtemp(prefix="denkna-demo-"))
    password = args.password or secrets.token_urlsafe(9)
    base = f"http://{args.host}:{args.port}"
    settings = Settings.model_validate({
        "server": {"host": args.host, "port": args.port, "var_dir": str(var),
                   "secret_key": secrets.token_urlsafe(32)},
        "database": {"url": f"sqlite+aiosqlite:///{var / 'demo.sqlite3'}"},
        "scoring": {"workers": 0},
    })
    box = MailBox()
    smtp_port = _free_port()
    smtp = Controller(box, hostname="127.0.0.1", port=smtp_port)
    smtp.start()

    app = create_app(settings)
    app[keys.MONITOR].settings = MonitoringSettings(
        enabled=True, poll_interval_seconds=args.poll_seconds, jitter_seconds=0.5,
        sync_interval_seconds=2.0, backoff_base_seconds=2.0, backoff_max_seconds=10.0)
    app[ESCALATION_CONFIG] = EscalationConfig(
        base_url=base, outbox_interval=1.0,
        smtp=SmtpSettings(port=smtp_port, sender="denkna@demo.denkna.nl"))

    async def mail(_request: web.Request) -> web.Response:
        return web.Response(text=mail_page(box), content_type="text/html")

    app.router.add_get("/demo/mail", mail)
    world = FakeWorld()
    fake = world.add_account("facebook", name="OBS De Klimop")
    fb = await FakePlatformServer(world, "facebook").start()
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, args.host, args.port).start()
    except OSError as exc:
        print(f"denkna demo: poort {args.port} is bezet ({exc.strerror}); kies een andere met "
              "--port.")
        await runner.cleanup()
        await fb.stop()
        smtp.stop()
        return 2
    async with app[keys.DB].session() as s:
        school = await admin_ops.create_school(s, "OBS De Klimop", "klimop")
        lead = await admin_ops.create_user(s, name="Mirjam de Wit", role="leadership",
                                           school_id=school.id, email=DEMO_EMAIL)
        (await s.get(User, lead.id)).password_hash = hash_password(password)
        for email, name in zip(STAFF_EMAILS, ("Juf Petra", "Meester Ruud"), strict=True):
            await admin_ops.create_user(s, name=name, role="staff", school_id=school.id,
                                        email=email)
        account = await admin_ops.create_account(
            s, school_id=school.id, platform="facebook", external_id=fake.id,
            name="OBS De Klimop", settings={"api": {"base_url": fb.url}})
        await store_token(s, app[keys.SECRET_KEY], account.id, fake.token)

    print(f"""
Denkna demo draait.

  Dashboard:   {base}/dashboard/
  Inloggen:    {DEMO_EMAIL}
  Wachtwoord:  {password}
  Demo-mail:   {base}/demo/mail
  Gegevens:    {var}

Op de nep-Facebookpagina van OBS De Klimop verschijnt nu een discussie over het schoolreisje
die binnen een minuut of twee ontspoort. Denkna haalt de pagina elke {args.poll_seconds:g} s op,
opent één zaak en mailt de directie. Werk de zaak af in het dashboard. Stoppen: Ctrl+C.
""", flush=True)

    scenario = Scenario.load()

    async def progress(n: int) -> None:
        print(f"  💬 reactie {n}/{len(scenario.comments)} geplaatst op de nep-pagina", flush=True)

    stop = asyncio.Event()
    play = asyncio.create_task(scenario.play(world, fake.id, speed=max(0.0, args.speed),
                                             on_comment=progress))
    try:
        await stop.wait()
    finally:
        play.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await play
        await runner.cleanup()
        await fb.stop()
        smtp.stop()
    return 0


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s",
                        force=True)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: already running"
    try:
        return asyncio.run(_main(args))
    except KeyboardInterrupt:
        print("\nDemo gestopt.")
        return 0
