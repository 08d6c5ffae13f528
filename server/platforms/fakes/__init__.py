"""Fake platform servers (local aiohttp apps speaking each API's JSON shapes) and scenarios.

Used by the tests and by `denkna demo`: `FakeWorld` holds the state, `make_app(world, platform)`
builds the aiohttp app, `FakePlatformServer` runs it on a local port, `Scenario` scripts it.
"""

from server.platforms.fakes.apps import make_app
from server.platforms.fakes.server import FakePlatformServer
from server.platforms.fakes.world import FakeAccount, FakeComment, FakePost, FakeWorld

__all__ = ["FakeAccount", "FakeComment", "FakePlatformServer", "FakePost", "FakeWorld",
           "make_app"]
