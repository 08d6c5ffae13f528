"""Run a fake platform app on a local port (tests, `denkna demo`)."""

from __future__ import annotations

import socket

from aiohttp import web

from denkna_demo.fakes.apps import make_app
from denkna_demo.fakes.world import FakeWorld


class FakePlatformServer:
    """`async with FakePlatformServer(world, "facebook") as server: server.url`"""

    def __init__(self, world: FakeWorld, platform: str, host: str = "127.0.0.1",
                 port: int = 0):
        self.world, self.platform, self.host, self.port = world, platform, host, port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> FakePlatformServer:
        if not self.port:
            with socket.socket() as sock:
                sock.bind((self.host, 0))
                self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(make_app(self.world, self.platform),
                                     handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakePlatformServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
