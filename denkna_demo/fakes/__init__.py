"""Fake platform servers (local aiohttp apps speaking each API's JSON shapes) and scenarios.

Used by the tests and by `denkna demo`: `FakeWorld` holds the state (comments are the server's
own `PlatformComment` records), `make_app(world, platform)` builds the aiohttp app,
`FakePlatformServer` runs it on a local port, `Scenario` scripts it.
"""

from denkna_demo.fakes.apps import make_app
from denkna_demo.fakes.server import FakePlatformServer
from denkna_demo.fakes.world import FakeAccount, FakeClient, FakePost, FakeWorld

__all__ = ["FakeAccount", "FakeClient", "FakePlatformServer", "FakePost", "FakeWorld",
           "make_app"]
