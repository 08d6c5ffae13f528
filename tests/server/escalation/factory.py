"""Test data for escalation and dashboard tests: schools, users, an account, threads,
scored comments, and a real SMTP sink (aiosmtpd)."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from argon2 import PasswordHasher

from server.storage.db import Database
from server.storage.models import Account, Comment, School, Thread, User

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "geheim-wachtwoord-123"
INSULT = {"category": "bullying", "subtype": "insult", "severity": "high", "score": 0.9,
          "spans": [{"start": 0, "end": 6}], "reason": "Belediging", "protocol_ref": "000 A.4"}
THREAT = {**INSULT, "subtype": "threat"}


@dataclass
class World:
    school_ids: list[int] = field(default_factory=list)
    users: dict[str, int] = field(default_factory=dict)  # "leadership1" -> id
    emails: dict[str, str] = field(default_factory=dict)
    account_ids: list[int] = field(default_factory=list)


async def make_world(db: Database, *, password: str = PASSWORD) -> World:
    hasher = PasswordHasher(time_cost=1, memory_cost=1024)  # cheap hashes for tests only
    pw = hasher.hash(password)
    w = World()
    async with db.session() as s:
        for n in (1, 2):
            school = School(name=f"Basisschool De Linde {n}" if n == 1 else "OBS Het Anker",
                            slug=f"school-{n}")
            s.add(school)
            await s.flush()
            w.school_ids.append(school.id)
            for role in ("staff", "leadership"):
                email = f"{role}{n}@school{n}.nl"
                name = {"staff": "Juf Ans", "leadership": "Directeur Mirjam"}[role] + f" {n}"
                u = User(school_id=school.id, email=email, name=name, role=role,
                         password_hash=pw, active=True)
                s.add(u)
                await s.flush()
                w.users[f"{role}{n}"] = u.id
                w.emails[f"{role}{n}"] = email
            acc = Account(school_id=school.id, platform="facebook", external_id=f"page-{n}",
                          name=f"{school.name} (Facebook)", official=True, status="active",
                          settings={})
            s.add(acc)
            await s.flush()
            w.account_ids.append(acc.id)
        board = User(school_id=None, email="bestuur@stichting.nl", name="Bestuurder Kees",
                     role="board", password_hash=pw, active=True)
        s.add(board)
        await s.flush()
        w.users["board"] = board.id
        w.emails["board"] = "bestuur@stichting.nl"
    return w


async def make_thread(db: Database, w: World, school: int = 0, post: str = "post-1",
                      title: str = "Schoolreisje groep 7") -> int:
    async with db.session() as s:
        t = Thread(school_id=w.school_ids[school], account_id=w.account_ids[school],
                   external_post_id=post, title=title, created_at=T0, last_activity_at=T0)
        s.add(t)
        await s.flush()
        return t.id


async def add_comments(db: Database, w: World, thread_id: int,
                       items: list[dict[str, Any]], school: int = 0) -> list[int]:
    ids = []
    async with db.session() as s:
        for it in items:
            flags = it.get("flags", [])
            c = Comment(
                school_id=w.school_ids[school], account_id=w.account_ids[school],
                thread_id=thread_id, platform="facebook", external_id=it["ext"],
                parent_external_id=it.get("parent"), author_external_id=it["author"],
                author_name=it.get("name", it["author"]), author_role=it.get("role", "adult"),
                text=it.get("text", "Leuk!"), created_at=it["at"],
                scores={}, flags=flags,
                max_severity=max((f["severity"] for f in flags), default=None),
                flagged=bool(flags),
            )
            s.add(c)
            await s.flush()
            ids.append(c.id)
    return ids


def derailing_items(prefix: str = "d", start: datetime = T0) -> list[dict[str, Any]]:
    out = [{"ext": f"{prefix}-root", "author": "meester_jan", "role": "staff",
            "text": "Wat een mooie dag hebben we gehad!", "at": start}]
    for i in range(5):
        out.append({"ext": f"{prefix}-f{i}", "author": f"ouder{i}", "at": start
                    + timedelta(minutes=1 + i), "text": "Wat leuk, bedankt!"})
    for i in range(18):
        flags = [THREAT] if i == 9 else [INSULT]
        out.append({"ext": f"{prefix}-x{i}", "author": f"boos{i % 5}", "parent": f"{prefix}-root",
                    "at": start + timedelta(minutes=8, seconds=20 * i), "flags": flags,
                    "text": f"Sukkel, jij bent een schande {i}"})
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MailSink:
    """A real SMTP server (aiosmtpd) that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def __enter__(self) -> MailSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]
