"""What the monitoring jobs share inside one server process."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from server.platforms.settings import MonitoringSettings


@dataclass
class Monitor:
    settings: MonitoringSettings
    # this instance's name in poll_state.lease_owner
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:"
                                               f"{secrets.token_hex(3)}")
    http: aiohttp.ClientSession | None = None
    scheduler: AsyncIOScheduler | None = None
    # jobs running right now (drained on shutdown, before the database closes)
    running: set[asyncio.Task[object]] = field(default_factory=set)

    def session(self) -> aiohttp.ClientSession:
        if self.http is None or self.http.closed:
            self.http = aiohttp.ClientSession()
        return self.http

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
            self.http = None


MONITOR = web.AppKey("monitor", Monitor)
