"""Platform name → fake aiohttp app."""

from __future__ import annotations

from aiohttp import web

from server.platforms.fakes.graph import make_graph_app
from server.platforms.fakes.mastodon import make_mastodon_app
from server.platforms.fakes.world import FakeWorld
from server.platforms.fakes.youtube import make_youtube_app

FACTORIES = {
    "facebook": make_graph_app,
    "instagram": make_graph_app,
    "youtube": make_youtube_app,
    "mastodon": make_mastodon_app,
}


def make_app(world: FakeWorld, platform: str) -> web.Application:
    try:
        return FACTORIES[platform](world)
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}") from None
