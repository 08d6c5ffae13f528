""""Klopt niet" in the extension's panel, in real Chromium through the real extension and the
real server: one click counts the warning as wrong (per category, subtype and what raised it),
a reason can follow; the draft's text is in no table, log line or file."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.browser.conftest import DenknaServer, PageServer
from tests.browser.helpers import BULLYING, MARKER, PANEL, open_composer, type_and_time_panel


def false_alarms(server: DenknaServer) -> dict[tuple[str, str, str, str], int]:
    with sqlite3.connect(server.var_dir / "denkna.sqlite3") as db:
        rows = db.execute("SELECT category, subtype, raised_by, reason, SUM(count) "
                          "FROM false_alarms GROUP BY category, subtype, raised_by, reason")
        return {(c, s, r, why): int(n) for c, s, r, why, n in rows}


def wait_for(read: Any, want: Any, timeout: float = 8.0) -> Any:
    deadline = time.monotonic() + timeout
    got = read()
    while time.monotonic() < deadline and not want(got):
        time.sleep(0.2)
        got = read()
    return got


def dump(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return "\n".join(db.iterdump())


def test_klopt_niet_counts_the_warning_and_keeps_no_text(
    page: Any, pages: PageServer, denkna_server: DenknaServer
) -> None:
    before = false_alarms(denkna_server)
    open_composer(page, pages.listed("textarea.html"))
    type_and_time_panel(page, f"{BULLYING}. {MARKER}")
    finding = page.locator(f'{PANEL} .finding[data-category="bullying"]')
    button = finding.locator('[data-action="wrong"]')
    assert button.inner_text() == "Klopt niet"
    button.click()
    assert "gemeld als onterechte waarschuwing" in finding.locator(".wrong-thanks").inner_text()

    def marks() -> dict[tuple[str, str, str], int]:
        return {k[:3]: n for k, n in false_alarms(denkna_server).items()
                if k[0] == "bullying" and k[3] == ""}

    old = {k[:3]: n for k, n in before.items() if k[0] == "bullying" and k[3] == ""}
    after = wait_for(marks, lambda got: sum(got.values()) > sum(old.values()))
    print(f"\nklopt niet, bullying: {sum(old.values())} -> {sum(after.values())} {after}")
    assert sum(after.values()) == sum(old.values()) + 1
    (category, subtype, raised_by), = [k for k in after if after[k] > old.get(k, 0)]
    assert raised_by == "rule:abuse" and subtype in ("insult", "exclusion")

    # the optional reason, from a fixed list; the mark is not counted twice
    finding.locator('[data-reason="friendly"]').click()
    reasons = wait_for(lambda: false_alarms(denkna_server),
                       lambda got: got.get((category, subtype, raised_by, "friendly"), 0) >
                       before.get((category, subtype, raised_by, "friendly"), 0))
    assert reasons[(category, subtype, raised_by, "friendly")] == \
        before.get((category, subtype, raised_by, "friendly"), 0) + 1
    assert sum(marks().values()) == sum(old.values()) + 1
    assert finding.locator('[data-action="wrong"]').count() == 0  # one click, not two

    # the draft is in no table, no log line and no file
    denkna_server.log_file.flush()
    table_dump = dump(denkna_server.var_dir / "denkna.sqlite3")
    assert "false_alarms" in table_dump and MARKER not in table_dump
    assert "mongool" not in table_dump
    log = denkna_server.log_path.read_bytes()
    assert MARKER.encode() not in log and b"mongool" not in log
    for path in denkna_server.var_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert MARKER.encode() not in data, f"draft text found in {path}"
            assert MARKER.encode("utf-16-le") not in data, f"draft text found in {path}"
