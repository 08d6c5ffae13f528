"""Scripted scenarios for the fake platforms: accounts, posts, and timed steps (comments,
replies, edits, deletions, faults, token expiry). YAML files under `fakes/scenarios/`.

    accounts: [{key: school, platform: facebook, name: "OBS De Klimop"}]
    posts: [{key: p1, account: school, text: "..."}]
    steps:
      - {at: 0.0, comment: {key: c1, post: p1, author: "Ouder A", text: "..."}}
      - {at: 1.0, comment: {key: c2, post: p1, parent: c1, text: "..."}}
      - {at: 2.0, edit: {comment: c1, text: "..."}}
      - {at: 3.0, delete: {comment: c2}}
      - {at: 4.0, fault: {account: school, kind: rate_limit, count: 3}}
      - {at: 5.0, expire_token: {account: school}}
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from denkna_demo.fakes.world import FAULT_KINDS, FakeWorld

SCENARIO_DIR = Path(__file__).with_name("scenarios")


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AccountSpec(_M):
    key: str
    platform: Literal["facebook", "instagram", "youtube", "mastodon"]
    name: str = ""
    username: str = ""


class PostSpec(_M):
    key: str
    account: str
    text: str = ""


class CommentStep(_M):
    key: str | None = None
    post: str
    parent: str | None = None
    author: str | None = "Ouder"
    author_id: str | None = None
    as_account: bool = False  # written by the school's own account
    text: str


class EditStep(_M):
    comment: str
    text: str


class DeleteStep(_M):
    comment: str


class FaultStep(_M):
    account: str
    kind: str
    count: int = Field(1, ge=1, le=1000)
    delay: float = Field(0.0, ge=0)
    retry_after: float = Field(0.05, ge=0)

    @model_validator(mode="after")
    def _kind(self) -> FaultStep:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"onbekende storing '{self.kind}' (kies uit {sorted(FAULT_KINDS)})")
        return self


class AccountRef(_M):
    account: str


class Step(_M):
    at: float = Field(ge=0)
    comment: CommentStep | None = None
    edit: EditStep | None = None
    delete: DeleteStep | None = None
    fault: FaultStep | None = None
    expire_token: AccountRef | None = None
    renew_token: AccountRef | None = None

    @model_validator(mode="after")
    def _one(self) -> Step:
        actions = [k for k in ("comment", "edit", "delete", "fault", "expire_token",
                               "renew_token") if getattr(self, k) is not None]
        if len(actions) != 1:
            raise ValueError("elke stap heeft precies één actie")
        return self


class Scenario(_M):
    name: str
    description: str = ""
    accounts: list[AccountSpec]
    posts: list[PostSpec] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        """From a YAML file, or by name from fakes/scenarios/. ValueError with a Dutch message."""
        p = Path(path)
        if not p.exists() and (SCENARIO_DIR / f"{path}.yaml").exists():
            p = SCENARIO_DIR / f"{path}.yaml"
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(f"scenario {path} bestaat niet") from None
        except yaml.YAMLError as exc:
            raise ValueError(f"scenario {p.name} is geen geldige YAML: {exc}") from None
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise ValueError(f"scenario {p.name}: {where}: {first['msg']}") from None


class ScenarioRun:
    """Plays a scenario into a FakeWorld. `keys` maps scenario keys to platform ids."""

    def __init__(self, world: FakeWorld, scenario: Scenario):
        self.world, self.scenario = world, scenario
        self.keys: dict[str, str] = {}
        self.applied = 0
        for spec in scenario.accounts:
            self.keys[spec.key] = world.add_account(spec.platform, name=spec.name,
                                                    username=spec.username).id
        for post in scenario.posts:
            self.keys[post.key] = world.add_post(self._id(post.account), post.text).id

    def _id(self, key: str) -> str:
        try:
            return self.keys[key]
        except KeyError:
            raise ValueError(f"scenario {self.scenario.name}: onbekende sleutel '{key}'") from None

    def apply(self, step: Step) -> None:
        w = self.world
        if step.comment is not None:
            c = step.comment
            author_id = c.author_id or (c.author and c.author.lower().replace(" ", "-"))
            author_name = c.author
            if c.as_account:
                account = w.accounts[w.posts[self._id(c.post)].account_id]
                author_id, author_name = account.id, account.name
            created = w.add_comment(self._id(c.post), c.text, author_name=author_name,
                                    author_id=author_id,
                                    parent_id=self._id(c.parent) if c.parent else None)
            if c.key:
                self.keys[c.key] = created.external_id
        elif step.edit is not None:
            w.edit(self._id(step.edit.comment), step.edit.text)
        elif step.delete is not None:
            w.delete(self._id(step.delete.comment))
        elif step.fault is not None:
            f = step.fault
            w.inject(self._id(f.account), f.kind, count=f.count, delay=f.delay,
                     retry_after=f.retry_after)
        elif step.expire_token is not None:
            w.expire_token(self._id(step.expire_token.account))
        elif step.renew_token is not None:
            w.renew_token(self._id(step.renew_token.account))
        self.applied += 1

    def apply_all(self) -> None:
        for step in sorted(self.scenario.steps, key=lambda s: s.at)[self.applied:]:
            self.apply(step)

    async def play(self, speed: float = 1.0) -> None:
        """Apply the steps at their times (`speed` 2.0 = twice as fast)."""
        start = time.monotonic()
        for step in sorted(self.scenario.steps, key=lambda s: s.at)[self.applied:]:
            wait = step.at / speed - (time.monotonic() - start)
            if wait > 0:
                await asyncio.sleep(wait)
            self.apply(step)

    def summary(self) -> dict[str, Any]:
        return {"scenario": self.scenario.name, "applied": self.applied,
                "accounts": {s.key: self.keys[s.key] for s in self.scenario.accounts}}
