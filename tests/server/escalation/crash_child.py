"""Child process for the crash test: opens a case (case + outbox row committed together),
prints COMMITTED, then starts delivering to an SMTP server that never answers. The parent
SIGKILLs this process in the middle of that delivery."""

from __future__ import annotations

import asyncio
import sys

from server.escalation.alerts import SmtpSettings
from server.escalation.service import Escalation, EscalationConfig
from server.storage.db import Database
from tests.server.escalation.factory import add_comments, derailing_items, make_thread, make_world


async def main(db_path: str, smtp_port: int) -> None:
    db = Database(f"sqlite+aiosqlite:///{db_path}")
    await db.migrate()
    w = await make_world(db)
    tid = await make_thread(db, w)
    await add_comments(db, w, tid, derailing_items())
    cfg = EscalationConfig(smtp=SmtpSettings(port=smtp_port, timeout=60))
    esc = Escalation(db, cfg)
    opened = await esc.evaluate_threads([tid])
    print(f"COMMITTED {opened}", flush=True)
    await esc.outbox.deliver_due()  # hangs: the SMTP server never greets
    print("DELIVERED", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
