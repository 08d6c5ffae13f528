"""Killing the server between case creation and alert delivery: after a restart the alert is
delivered exactly once. The child is SIGKILLed while it is talking to the SMTP server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from server.escalation.alerts import SmtpSettings
from server.escalation.outbox import LEASE
from server.escalation.service import Escalation, EscalationConfig
from server.storage.db import Database
from server.storage.escalation_models import Case, OutboxMessage
from server.storage.models import utcnow
from tests.server.escalation.factory import MailSink

ROOT = Path(__file__).resolve().parents[3]


class SilentSmtp:
    """Accepts TCP connections and never says a word (a hung mail server)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.accepted = threading.Event()
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        try:
            while True:
                conn, _ = self.sock.accept()
                self.conns.append(conn)
                self.accepted.set()
        except OSError:
            return

    def close(self) -> None:
        for c in self.conns:
            c.close()
        self.sock.close()


async def test_sigkill_between_commit_and_send_delivers_exactly_once(tmp_path: Path) -> None:
    db_path = tmp_path / "crash.sqlite3"
    silent = SilentSmtp()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-m", "tests.server.escalation.crash_child",
                              str(db_path), str(silent.port)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline() if child.stdout else ""
        assert line.startswith("COMMITTED ["), (line, child.stderr.read() if child.stderr else "")
        assert silent.accepted.wait(30), "the child never reached the SMTP server"
        time.sleep(0.2)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
        silent.close()
    assert child.returncode == -signal.SIGKILL

    db = Database(f"sqlite+aiosqlite:///{db_path}")
    async with db.session() as s:
        assert len((await s.scalars(select(Case))).all()) == 1
        msg = (await s.scalars(select(OutboxMessage))).one()
        assert msg.status == "pending" and msg.claimed_until is not None  # claimed, not sent

    with MailSink() as sink:
        # the restarted server: the dead instance's claim expires after the lease
        later = utcnow() + LEASE + timedelta(seconds=1)
        esc = Escalation(db, EscalationConfig(smtp=SmtpSettings(port=sink.port)),
                         clock=lambda: later)
        first = await esc.outbox.deliver_due()
        second = await esc.outbox.deliver_due()
        await esc.outbox.stop()
        assert (first.sent, second.sent) == (1, 0)
        assert len(sink.messages) == 1
        # the outbox's key travels with the mail, for the receiver to drop a repeat
        assert sink.messages[0]["X-Denkna-Key"].startswith("case_opened:")
    async with db.session() as s:
        msg = (await s.scalars(select(OutboxMessage))).one()
        assert msg.status == "sent" and msg.attempts == 1
    await db.dispose()


async def test_failed_delivery_retries_with_backoff(tmp_path: Path) -> None:
    from tests.server.escalation.factory import (
        add_comments,
        derailing_items,
        free_port,
        make_thread,
        make_world,
    )

    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'r.sqlite3'}")
    await db.migrate()
    w = await make_world(db)
    tid = await make_thread(db, w)
    await add_comments(db, w, tid, derailing_items())
    now = [utcnow()]
    dead_port = free_port()  # nothing listens here
    esc = Escalation(db, EscalationConfig(smtp=SmtpSettings(port=dead_port, timeout=2)),
                     clock=lambda: now[0])
    await esc.evaluate_threads([tid])
    assert (await esc.outbox.deliver_due()).failed == 1
    assert (await esc.outbox.deliver_due()).failed == 0  # backing off: not due yet
    async with db.session() as s:
        msg = (await s.scalars(select(OutboxMessage))).one()
        # the reason is stored in plain Dutch, for the dashboard's warning
        assert msg.attempts == 1 and "weigert de verbinding" in (msg.last_error or "")
    with MailSink() as sink:
        esc.outbox.smtp = SmtpSettings(port=sink.port)
        now[0] += timedelta(seconds=11)
        assert (await esc.outbox.deliver_due()).sent == 1
        assert len(sink.messages) == 1
    await esc.outbox.stop()
    await db.dispose()
