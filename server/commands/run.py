"""`denkna run` (what `make run` does): embedded defaults, migrate, create the first school,
admin user and admin token if there are none (printing the token ONCE), then serve."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy import func, select

from server import admin_ops
from server.commands.serve import configure_logging, serve, settings_from_args
from server.config import ConfigError, Settings
from server.storage.db import Database
from server.storage.models import School

HELP = "Start Denkna met standaardinstellingen (SQLite in var/) en maak de eerste beheerder aan."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML-configuratiebestand (optioneel)")
    parser.add_argument("--host", help="adres (standaard 127.0.0.1)")
    parser.add_argument("--port", type=int, help="poort (standaard 8080)")


async def bootstrap(settings: Settings) -> str | None:
    """Migrate; on an empty database create school + admin + token. Returns the new token."""
    db = Database(settings.database_url)
    try:
        await db.migrate()
        async with db.session() as s:
            if (await s.execute(select(func.count()).select_from(School))).scalar_one():
                return None
            await admin_ops.create_school(s, "Mijn school", "mijn-school")
            admin = await admin_ops.create_user(s, name="Beheerder", role="admin", school_id=None)
            _, token = await admin_ops.create_token(s, admin.id, "eerste beheerder")
            return token
    finally:
        await db.dispose()


def banner(settings: Settings, token: str | None) -> str:
    url = f"http://{settings.server.host}:{settings.server.port}"
    lines = [f"Denkna draait op {url}", f"  gezondheid: {url}/api/v1/health"]
    if token:
        lines += [
            "",
            "Beheerderstoken (wordt maar één keer getoond, bewaar het veilig):",
            f"  {token}",
            "",
            "Een token voor een medewerker maken:",
            "  .venv/bin/denkna admin create-user --name 'Juf Anna' --role staff --school 1",
            "  .venv/bin/denkna admin create-token --user <id uit de vorige stap>",
            "Proberen:",
            f"  curl -s -H 'Authorization: Bearer <token>' -H 'Content-Type: application/json' "
            f"-d '{{\"text\": \"Morgen is de ouderavond.\"}}' {url}/api/v1/check",
            "",
            f"Dashboard voor de schoolleiding: {url}/dashboard/",
            "  .venv/bin/denkna admin create-user --name 'Mirjam de Wit' --role leadership "
            "--school 1 --email directie@school.nl",
            "  .venv/bin/denkna admin set-password --user <id uit de vorige stap>",
            "Alles in één keer zien (nep-Facebookpagina, ontsporende draad, e-mail): make demo",
        ]
    else:
        lines += ["(Bestaande database; een nieuw beheerderstoken: "
                  ".venv/bin/denkna admin create-token --user 1)"]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        settings = settings_from_args(args)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    configure_logging(settings.server.log_level)
    token = asyncio.run(bootstrap(settings))
    return serve(settings, banner(settings, token))
