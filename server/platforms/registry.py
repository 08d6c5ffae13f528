"""Platform name → connector class."""

from __future__ import annotations

from server.platforms.base import Connector
from server.platforms.facebook import FacebookConnector
from server.platforms.instagram import InstagramConnector
from server.platforms.mastodon import MastodonConnector
from server.platforms.youtube import YouTubeConnector

CONNECTORS: dict[str, type[Connector]] = {
    "facebook": FacebookConnector,
    "instagram": InstagramConnector,
    "youtube": YouTubeConnector,
    "mastodon": MastodonConnector,
}


def connector_class(platform: str) -> type[Connector]:
    try:
        return CONNECTORS[platform]
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}") from None
