"""`denkna demo` as a newcomer runs it: the fake page derails, one alert mail shows up at
/demo/mail, and the printed login opens the dashboard."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.server.escalation.factory import free_port

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_demo_derails_and_mails_leadership(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "demo", "--port", str(port), "--speed", "0.05",
         "--poll-seconds", "1", "--password", "demo-wachtwoord-1", "--var-dir",
         str(tmp_path / "demo")],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "✉" in line:
                break
        out = "".join(lines)
        assert f"http://127.0.0.1:{port}/dashboard/" in out and "demo-wachtwoord-1" in out, out
        assert re.search(r"mail aan directie@demo\.denkna\.nl: .*Nieuwe zaak", out), out
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/demo/mail", timeout=5).read()
        assert page.decode().count("Nieuwe zaak") == 1
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
