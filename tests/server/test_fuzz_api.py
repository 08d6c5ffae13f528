"""Schemathesis against the OpenAPI spec of the real app (bounded: 20 examples per operation):
no 5xx, and every response matches the spec (status code, content type, schema).

`make fuzz` runs this file. The server runs in a thread on a free loopback port with a seeded
temporary SQLite database; requests carry an admin token so every operation is reachable.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis import checks

from server import keys
from server.api.openapi import build_spec
from server.app import create_app
from server.config import Settings
from tests.conftest import seed_database

pytestmark = pytest.mark.slow

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThreadServer:
    def __init__(self, app: web.Application, port: int) -> None:
        self.app, self.port = app, port
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.token = ""
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        runner = web.AppRunner(self.app, access_log=None)
        self.loop.run_until_complete(runner.setup())
        self.loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        seed = self.loop.run_until_complete(seed_database(self.app[keys.DB]))
        self.token = seed.admin_token
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())

    def start(self) -> None:
        self.thread.start()
        assert self.ready.wait(120), "fuzz server did not start"

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)


def _settings(tmp: Path) -> Settings:
    return Settings.model_validate({
        "database": {"url": f"sqlite+aiosqlite:///{tmp / 'denkna.sqlite3'}"},
        "server": {"secret_key": secrets.token_urlsafe(32), "var_dir": str(tmp / "var")},
        "scoring": {"workers": 0},
        "rate_limit": {"per_second": 100000, "burst": 100000},
    })


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    server = ThreadServer(create_app(_settings(tmp_path_factory.mktemp("fuzz"))), _free_port())
    server.start()
    yield server
    server.stop()


# The spec of an app built at collection time (not started): the same routes as the server's.
schema = schemathesis.openapi.from_dict(
    build_spec(create_app(_settings(Path(tempfile.mkdtemp(prefix="denkna-spec-")))))
)


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_spec(case: Any, fuzz_server: ThreadServer) -> None:
    case.call_and_validate(
        base_url=f"http://127.0.0.1:{fuzz_server.port}",
        headers={"Authorization": f"Bearer {fuzz_server.token}"},
        checks=CHECKS,
    )
