"""Scripted threads for the fake platforms (demo and acceptance tests), from YAML data."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from denkna_demo.fakes.world import FakePost, FakeWorld

SCENARIOS = Path(__file__).parent / "scenarios"


@dataclass(frozen=True)
class ScriptedComment:
    key: str
    author: str
    text: str
    after: float = 0.0
    reply_to: str | None = None


@dataclass(frozen=True)
class Scenario:
    post: str
    comments: tuple[ScriptedComment, ...]

    @classmethod
    def load(cls, name: str = "schoolreis") -> Scenario:
        data: dict[str, Any] = yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text("utf-8"))
        comments = tuple(ScriptedComment(str(c["key"]), str(c["author"]), str(c["text"]),
                                         float(c.get("after", 0)), c.get("reply_to"))
                         for c in data["comments"])
        return cls(str(data["post"]), comments)

    async def play(self, world: FakeWorld, account_id: str, *, speed: float = 0.0,
                   on_comment: Callable[[int], Awaitable[None]] | None = None) -> FakePost:
        """Add the post and its comments to the fake platform; `speed` scales the pauses
        (0: all at once)."""
        post = world.add_post(account_id, self.post)
        ids: dict[str, str] = {}
        for n, c in enumerate(self.comments, 1):
            if speed and c.after:
                await asyncio.sleep(c.after * speed)
            parent = ids.get(c.reply_to) if c.reply_to else None
            author_id = "u-" + c.author.lower().replace(" ", "-")
            made = world.add_comment(post.id, c.text, author_id=author_id,
                                     author_name=c.author, parent_id=parent)
            ids[c.key] = made.external_id
            if on_comment is not None:
                await on_comment(n)
        return post


def friendly_thread(world: FakeWorld, account_id: str, n: int, rude_at: int | None = None
                    ) -> FakePost:
    """A calm thread of `n` friendly comments, optionally one rude comment at `rude_at`."""
    post = world.add_post(account_id, "Morgen is de sportdag! Vergeet jullie gymspullen niet.")
    friendly = ("Wat leuk, we hebben er zin in!", "Bedankt voor de organisatie!",
                "Mijn zoon kijkt er al de hele week naar uit.", "Top, tot morgen!",
                "Fijn dat het weer meezit.", "Dank jullie wel, juf!")
    for i in range(n):
        text = "Meester Ruud is echt een sukkel." if i == rude_at else friendly[i % 6]
        world.add_comment(post.id, text, author_id=f"u-ouder-{i % 23}",
                          author_name=f"Ouder {i % 23}")
    return post
