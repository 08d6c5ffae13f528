"""Platform name → fake aiohttp app."""

from __future__ import annotations

from aiohttp import web

from denkna_demo.fakes.graph import make_graph_app
from denkna_demo.fakes.mastodon import make_mastodon_app
from denkna_demo.fakes.world import FakeWorld
from denkna_demo.fakes.youtube import make_youtube_app

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
