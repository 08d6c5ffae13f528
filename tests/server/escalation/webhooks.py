"""A local https endpoint that stands in for Teams (the Workflows webhook path), a JSON
webhook and a broken service, with its own certificate authority (trustme). Tests point
`REQUESTS_CA_BUNDLE` at `ca_file` so that apprise (requests) trusts it, as it would trust
Microsoft's certificate."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme
from aiohttp import web

from tests.server.escalation.factory import free_port

TEAMS_PATH = "/workflows/{workflow}/triggers/manual/paths/invoke"


@dataclass
class Received:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    query: dict[str, str]


@dataclass
class HookServer:
    folder: Path
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    down: bool = False  # every request answers 503

    def teams_url(self, workflow: str = "a1b2c3", sig: str = "geheime-handtekening") -> str:
        return (f"https://127.0.0.1:{self.port}{TEAMS_PATH.format(workflow=workflow)}"
                f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={sig}")

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.port}{path}"

    @property
    def ca_file(self) -> str:
        return str(self.folder / "ca.pem")

    async def _handle(self, request: web.Request) -> web.Response:
        if self.down or request.path == "/down":
            return web.Response(status=503, text="storing")
        self.received.append(Received(request.path, await request.json(),
                                      dict(request.headers), dict(request.query)))
        return web.Response(status=200, text="1")

    async def __aenter__(self) -> HookServer:
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        ca.cert_pem.write_to_path(self.ca_file)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, ssl_context=context).start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._runner.cleanup()
