"""`denkna accounts connect` as IT uses it: a real `denkna` process prints the consent address,
"the browser" (here: HTTP against the fake Google or Mastodon) allows access, the address it
lands on is pasted back, and the channel is connected with its refresh token; a pasted address
with the wrong state connects nothing. On Mastodon, connecting again reuses Denkna's app on the
instance."""

from __future__ import annotations

import asyncio
import re
import secrets
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from denkna_demo.fakes import FakePlatformServer, FakeWorld
from server import admin_ops
from server.platforms.credentials import decrypt_token, load_grant
from server.storage.db import Database
from server.storage.models import Account
from server.storage.monitoring_models import MastodonApp

ROOT = Path(__file__).resolve().parents[3]
PUBLIC = "https://denkna.klimop.nl"


async def setup(tmp_path: Path, world: FakeWorld, server: FakePlatformServer
                ) -> tuple[Path, Database, str, int]:
    secret = secrets.token_urlsafe(32)
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'denkna.sqlite3'}"
    world.add_client("youtube", "cli-client", "cli-geheim-0123456789",
                     redirect_uris=(PUBLIC + "/connect/callback",))
    config = tmp_path / "denkna.toml"
    config.write_text(f'''
[server]
secret_key = "{secret}"
var_dir = "{tmp_path / 'var'}"
[database]
url = "{db_url}"
[monitoring]
public_url = "{PUBLIC}"
[monitoring.platforms.youtube]
base_url = "{server.url}"
auth_url = "{server.url}/o/oauth2/v2/auth"
token_url = "{server.url}/token"
client_id = "cli-client"
client_secret = "cli-geheim-0123456789"
''')
    db = Database(db_url)
    await db.migrate()
    async with db.session() as s:
        school = await admin_ops.create_school(s, "OBS De Klimop", "klimop")
    return config, db, secret, school.id


async def consent(url: str, channel: str) -> str:
    """Allow access on the fake consent page; where Google sends the browser back to."""
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as r:
            page = await r.text()
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
        fields = {k: v.replace("&amp;", "&") for k, v in fields.items()}
        form = {**fields, "account": channel, "decision": "allow"}
        async with http.post(url.split("?")[0], data=form, allow_redirects=False) as r:
            return r.headers["Location"]


async def run_cli(config: Path, school_id: int, answer: object, *platform: str
                  ) -> tuple[int, str, str]:
    """`platform`: what follows `connect` (default youtube), e.g. mastodon --instance URL."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", "accounts", "--config", str(config), "connect",
        *(platform or ("youtube",)), "--school", str(school_id), cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    assert proc.stdout and proc.stdin
    out = b""
    while b"druk op Enter" not in out:
        line = await asyncio.wait_for(proc.stdout.readline(), 60)
        assert line, (out + await proc.stderr.read()).decode()  # type: ignore[union-attr]
        out += line
    url = re.search(rb"(http://127\.0\.0\.1:\d+/(?:o/oauth2/v2/auth|oauth/authorize)\?\S+)",
                    out).group(1).decode()
    pasted = await answer(url) if callable(answer) else str(answer)
    proc.stdin.write(pasted.encode() + b"\n")
    await proc.stdin.drain()
    rest, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, (out + rest).decode(), err.decode()


@pytest.mark.slow
async def test_it_connects_a_channel_from_the_command_line(tmp_path: Path) -> None:
    world = FakeWorld()
    channel = world.add_account("youtube", name="Klimop TV")
    async with FakePlatformServer(world, "youtube") as server:
        config, db, secret, school_id = await setup(tmp_path, world, server)
        try:
            async def allow(url: str) -> str:
                return await consent(url, channel.id)

            code, out, err = await run_cli(config, school_id, allow)
            assert code == 0, err
            assert "youtube.force-ssl" in out and "Gekoppeld: Klimop TV" in out
            async with db.session() as s:
                [account] = (await s.execute(select(Account))).scalars().all()
                grant = await load_grant(s, secret, account.id)
            assert account.external_id == channel.id and grant.refresh_token

            async def forged(url: str) -> str:
                back = await consent(url, channel.id)
                return back.replace("state=", "state=x")

            code, out, err = await run_cli(config, school_id, forged)
            assert code == 1 and "beveiligingscode klopt niet" in err
            assert "Traceback" not in err
            code, out, err = await run_cli(config, school_id, "geen adres")
            assert code == 1 and "niet het adres waarop de browser uitkwam" in err
        finally:
            await db.dispose()


@pytest.mark.slow
async def test_connecting_mastodon_again_reuses_the_app_on_the_instance(tmp_path: Path) -> None:
    world = FakeWorld()
    me = world.add_account("mastodon", name="OBS De Klimop", username="klimop")
    async with FakePlatformServer(world, "mastodon") as server:
        config, db, secret, school_id = await setup(tmp_path, world, server)
        try:
            async def allow(url: str) -> str:
                return await consent(url, me.id)

            mastodon = ("mastodon", "--instance", server.url)
            code, out, err = await run_cli(config, school_id, allow, *mastodon)
            assert code == 0 and "Gekoppeld: OBS De Klimop" in out, err
            async with db.session() as s:
                [account] = (await s.execute(select(Account))).scalars().all()
            again = (*mastodon, "--account", str(account.id))
            code, out, err = await run_cli(config, school_id, allow, *again)
            assert code == 0 and "Opnieuw gekoppeld" in out, err
            assert world.apps_registered[server.url] == 1
            async with db.session() as s:
                [app] = (await s.execute(select(MastodonApp))).scalars().all()
            plain = world.clients[app.client_id].secret
            assert plain not in app.client_secret_encrypted
            assert decrypt_token(secret, app.client_secret_encrypted) == plain
            world.forget_client(app.client_id)  # the instance's admin deleted it
            code, out, err = await run_cli(config, school_id, allow, *again)
            assert code == 0 and "Opnieuw gekoppeld" in out, err
            assert world.apps_registered[server.url] == 2
        finally:
            await db.dispose()
