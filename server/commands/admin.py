"""`denkna admin`: the same administration as the admin API, for IT on the server itself.

    denkna admin create-school NAME [--slug SLUG]
    denkna admin create-user --name N --role ROLE [--school ID] [--email E]
    denkna admin create-token --user ID [--label L]      (the token is printed once)
    denkna admin revoke-token ID
    denkna admin set-threshold --school ID CATEGORY VALUE
    denkna admin list-schools | list-users [--school ID]
    denkna admin set-password --user ID [--password-stdin]
    denkna admin list-locks                               (blocked dashboard logins)
    denkna admin unlock E-MAIL|IP                          (lift a login block)
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server import admin_ops
from server.admin_ops import AdminError
from server.config import ConfigError, load_settings
from server.storage.db import Database
from server.storage.models import ROLES, School, User

HELP = "Beheer: scholen, gebruikers, tokens en drempels."
NO_TERMINAL = ("Fout: er is geen terminal om het wachtwoord twee keer te vragen. Geef het via "
               "standaardinvoer met --password-stdin, bijvoorbeeld:\n"
               "  denkna admin set-password --user {user} --password-stdin < wachtwoord.txt")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML-configuratiebestand (anders DENKNA_CONFIG)")
    sub = parser.add_subparsers(dest="action", metavar="ACTIE", required=True)
    p = sub.add_parser("create-school", help="school aanmaken")
    p.add_argument("name")
    p.add_argument("--slug")
    p = sub.add_parser("create-user", help="gebruiker aanmaken")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--school", type=int)
    p.add_argument("--email")
    p = sub.add_parser("create-token", help="token aanmaken (eenmalig getoond)")
    p.add_argument("--user", type=int, required=True)
    p.add_argument("--label")
    p = sub.add_parser("set-password", help="dashboardwachtwoord instellen (12 tot 200 tekens)")
    p.add_argument("--user", type=int, required=True)
    p.add_argument("--password-stdin", action="store_true",
                   help="lees het wachtwoord van standaardinvoer in plaats van het te vragen")
    p = sub.add_parser("revoke-token", help="token intrekken")
    p.add_argument("token_id", type=int)
    p = sub.add_parser("set-threshold", help="drempel van een categorie voor een school")
    p.add_argument("--school", type=int, required=True)
    p.add_argument("category")
    p.add_argument("value", type=float)
    sub.add_parser("list-schools", help="scholen tonen")
    p = sub.add_parser("list-users", help="gebruikers tonen")
    p.add_argument("--school", type=int)
    sub.add_parser("list-locks", help="geblokkeerde dashboard-inlogpogingen tonen")
    p = sub.add_parser("unlock", help="blokkade van een e-mailadres of IP-adres opheffen")
    p.add_argument("subject", metavar="E-MAIL|IP")


async def _action(args: argparse.Namespace, s: AsyncSession) -> str:
    a = args.action
    if a == "create-school":
        school = await admin_ops.create_school(s, args.name, args.slug)
        return f"School {school.id} aangemaakt: {school.name} ({school.slug})"
    if a == "create-user":
        user = await admin_ops.create_user(s, name=args.name, role=args.role,
                                           school_id=args.school, email=args.email)
        return f"Gebruiker {user.id} aangemaakt: {user.name} ({user.role})"
    if a == "create-token":
        token, plaintext = await admin_ops.create_token(s, args.user, args.label)
        return (f"Token {token.id} voor gebruiker {token.user_id} (wordt maar één keer getoond):"
                f"\n{plaintext}")
    if a == "set-password":
        user = await admin_ops.set_password(s, args.user, args.password)
        return f"Wachtwoord ingesteld voor gebruiker {user.id} ({user.name})."
    if a == "revoke-token":
        token = await admin_ops.revoke_token(s, args.token_id)
        return f"Token {token.id} ingetrokken."
    if a == "set-threshold":
        values = await admin_ops.set_thresholds(s, args.school, {args.category: args.value})
        return "Drempels: " + ", ".join(f"{k}={v}" for k, v in values.items())
    if a == "list-locks":
        from server.login_throttle import LoginGuard

        blocks = await LoginGuard.blocks_in(s)
        return "\n".join(
            f"{'e-mail' if b.scope == 'account' else 'ip'}\t{b.subject}\t{b.failures} "
            f"mislukt\t{'geblokkeerd' if b.locked else 'wachten'} tot "
            f"{b.until.astimezone().strftime('%Y-%m-%d %H:%M:%S')}" for b in blocks
        ) or "(geen blokkades)"
    if a == "unlock":
        from server.login_throttle import LoginGuard

        if not await LoginGuard.unlock_in(s, args.subject):
            raise AdminError(404, "not_found", f"geen blokkade voor '{args.subject}'.")
        return f"Blokkade van {args.subject} opgeheven."
    if a == "list-schools":
        rows = (await s.execute(select(School).order_by(School.id))).scalars()
        return "\n".join(f"{x.id}\t{x.slug}\t{x.name}" for x in rows) or "(geen scholen)"
    query = select(User).order_by(User.id)
    if args.school:
        query = query.where(User.school_id == args.school)
    rows = (await s.execute(query)).scalars()
    return "\n".join(
        f"{u.id}\t{u.role}\t{u.school_id or '-'}\t{'actief' if u.active else 'inactief'}\t{u.name}"
        for u in rows
    ) or "(geen gebruikers)"


async def _with_db(url: str, fn: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    db = Database(url)
    try:
        await db.migrate_if_behind()
        async with db.session() as s:
            return await fn(s)
    finally:
        await db.dispose()


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.action == "set-password":
        if not args.password_stdin and not sys.stdin.isatty():
            print(NO_TERMINAL.format(user=args.user), file=sys.stderr)
            return 2
        try:
            args.password = _read_password(args.password_stdin)
        except EOFError:
            print("Fout: geen wachtwoord gelezen (de invoer was leeg).", file=sys.stderr)
            return 1
        if args.password is None:
            print("Fout: de twee wachtwoorden zijn niet gelijk.", file=sys.stderr)
            return 1
    try:
        print(asyncio.run(_with_db(settings.database_url, lambda s: _action(args, s))))
    except AdminError as exc:
        print(f"Fout: {exc.message}", file=sys.stderr)
        return 1
    return 0


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")
    first = getpass.getpass("Nieuw wachtwoord: ")
    second = getpass.getpass("Nogmaals: ")
    return first if first == second else None

