"""`denkna accounts`: connect an official account from the server's command line (for IT).

    denkna accounts connect facebook|instagram|youtube --school ID [--account ID]
    denkna accounts connect mastodon --school ID --instance https://school.social [--account ID]

The command prints the platform's consent address; open it in any browser, allow access, and
paste the address the browser ends up on (`<public_url>/connect/callback?code=...`) back into
the terminal. The same flow as the dashboard (server/platforms/connect.py), without a login:
whoever runs this on the server is IT. `--pick EXTERNAL_ID` chooses among several pages.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from urllib.parse import parse_qsl, urlsplit

import aiohttp

from server.config import (
    ConfigError,
    MonitoringSettings,
    Settings,
    ensure_secret_key,
    load_settings,
    monitoring_settings,
)
from server.platforms import connect
from server.platforms.base import PLATFORMS
from server.platforms.base import load_settings as platform_settings
from server.platforms.mastodon_apps import MastodonApps
from server.platforms.oauth import PERMISSIONS, PLATFORM_LABELS, client_for
from server.storage.db import Database

HELP = "Officiële accounts koppelen (Facebook, Instagram, YouTube, Mastodon)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML-configuratiebestand (anders DENKNA_CONFIG)")
    sub = parser.add_subparsers(dest="action", metavar="ACTIE", required=True)
    p = sub.add_parser("connect", help="een account koppelen via de toestemming van het platform")
    p.add_argument("platform", choices=PLATFORMS)
    p.add_argument("--school", type=int, required=True, help="ID van de school")
    p.add_argument("--instance", help="Mastodon: adres van de server, bv. https://school.social")
    p.add_argument("--account", type=int, help="ID van een account dat opnieuw gekoppeld wordt")
    p.add_argument("--pick", help="extern ID van de pagina of het kanaal bij meer dan één")


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config)
        monitoring = monitoring_settings(settings)
    except ConfigError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    if not monitoring.public_url:
        print("Fout: stel eerst monitoring.public_url in (het adres waarop scholen Denkna "
              "bereiken); de platforms sturen de browser terug naar <public_url>/connect/callback.",
              file=sys.stderr)
        return 2
    try:
        return asyncio.run(_connect(args, settings, monitoring))
    except connect.ConnectError as exc:
        print(f"Fout: {exc.message}", file=sys.stderr)
        return 1


async def _connect(args: argparse.Namespace, settings: Settings,
                   monitoring: MonitoringSettings) -> int:
    platforms = monitoring.platforms
    public_url = (monitoring.public_url or "").rstrip("/")
    secret = ensure_secret_key(settings)
    cfg = platform_settings(args.platform, platforms.get(args.platform, {}))
    client = client_for(platforms, args.platform)
    flow = connect.Flow(platform=args.platform, school_id=args.school, user_id=None,
                        account_id=args.account,
                        redirect_uri=public_url + connect.CALLBACK_PATH)
    db = Database(settings.database_url)
    try:
        await db.migrate_if_behind()
        async with db.session() as s:
            from server.storage.models import Account, School

            if await s.get(School, args.school) is None:
                raise connect.ConnectError(f"School {args.school} bestaat niet "
                                           "(denkna admin list-schools).")
            if args.account is not None:
                target = await s.get(Account, args.account)
                if target is None or target.school_id != args.school or (
                        target.platform != args.platform):
                    raise connect.ConnectError(f"Account {args.account} is geen "
                                               f"{args.platform}-account van school "
                                               f"{args.school}.")
        async with aiohttp.ClientSession() as http:
            apps = MastodonApps(db, secret, http, website=public_url)
            if args.platform == "mastodon":
                flow.instance = connect.normalise_instance(args.instance or "")
                await apps.prepare(flow)
            url = connect.authorize_url(flow, cfg, client)
            label = PLATFORM_LABELS[args.platform]
            print(f"Denkna vraagt bij {label} deze rechten:")
            for p in PERMISSIONS[args.platform]:
                print(f"  - {p.name}: {p.why}")
            print(f"\nOpen dit adres in een browser, log in en geef toestemming:\n\n{url}\n")
            print("Plak daarna het adres waarop de browser uitkomt (begint met "
                  f"{flow.redirect_uri}) en druk op Enter:", flush=True)
            line = sys.stdin.readline().strip()
            parts = urlsplit(line)
            if not line or parts.path != connect.CALLBACK_PATH:
                raise connect.ConnectError("Dat is niet het adres waarop de browser uitkwam "
                                           f"(het begint met {flow.redirect_uri}). Er is niets "
                                           "gekoppeld.")
            query = dict(parse_qsl(parts.query))
            flow = connect.check_callback(flow, query)
            found = await connect.finish(http, flow, query["code"], cfg, client, apps=apps)
            if args.pick:
                found = [c for c in found if c.external_id == args.pick]
                if not found:
                    raise connect.ConnectError(f"'{args.pick}' zat niet bij de accounts die u "
                                               "deelde. Er is niets gekoppeld.")
            if len(found) > 1:
                listing = "\n".join(f"  {c.external_id}\t{c.name}" for c in found)
                raise connect.ConnectError("U deelde meer dan één account; kies er één met "
                                           f"--pick en koppel opnieuw:\n{listing}")
            async with db.session() as s:
                account_id, new = await connect.store(s, secret, flow, found[0], None)
            warning = await connect.subscribe_webhooks(http, cfg, found[0])
    finally:
        await db.dispose()
    print(f"{'Gekoppeld' if new else 'Opnieuw gekoppeld'}: {found[0].name} ({label}), "
          f"account {account_id}.")
    if warning:
        print(f"Let op: {warning}")
    return 0
