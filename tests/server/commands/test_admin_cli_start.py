"""`denkna admin` (issue 17, finding 10): it starts without loading the classifiers' model
(torch), Alembic or aiohttp (each call took ~5 s), and `set-password` without a terminal says to
use --password-stdin instead of dying with an EOFError traceback.

The start-up time itself is measured with `time`, not here (see the report of issue 17)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("torch", "numpy", "alembic", "aiohttp", "classifiers.pipeline", "classifiers.model")


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DENKNA_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'd.sqlite3'}",
            "DENKNA_SERVER_VAR_DIR": str(tmp_path / "var")}


def _run(args: list[str], tmp_path: Path, stdin: bytes | None = None,
         code: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", "server.cli", *args]
    return subprocess.run(cmd, cwd=ROOT, env=_env(tmp_path), capture_output=True, timeout=300,
                          input=stdin.decode() if stdin is not None else None,
                          stdin=subprocess.DEVNULL if stdin is None else None, text=True)


LOADED = """
import json, sys
from server.cli import main
rc = main({args!r})
print(json.dumps({{"rc": rc, "modules": sorted(sys.modules)}}))
"""


def test_admin_commands_load_no_model_and_no_web_stack(tmp_path: Path) -> None:
    first = _run(["admin", "create-school", "De Linde"], tmp_path)  # creates and migrates
    assert first.returncode == 0, first.stderr
    for args in (["admin", "list-schools"], ["admin", "list-users"],
                 ["admin", "list-locks"]):
        out = _run([], tmp_path, code=LOADED.format(args=args))
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result["rc"] == 0
        heavy = [m for m in result["modules"] if m.split(".")[0] in HEAVY or
                 any(m == h or m.startswith(h + ".") for h in HEAVY)]
        assert heavy == [], (args, heavy[:10])


def test_set_password_without_a_terminal_names_password_stdin(tmp_path: Path) -> None:
    assert _run(["admin", "create-user", "--name", "Mirjam", "--role", "leadership",
                 "--email", "m@school.nl", "--school", "1"], tmp_path).returncode in (0, 1)
    out = _run(["admin", "set-password", "--user", "1"], tmp_path)  # stdin: /dev/null
    assert out.returncode == 2
    assert "--password-stdin" in out.stderr and "geen terminal" in out.stderr
    assert "Traceback" not in out.stderr and "EOFError" not in out.stderr


def test_password_stdin_empty_and_given(tmp_path: Path) -> None:
    _run(["admin", "create-school", "De Linde"], tmp_path)
    made = _run(["admin", "create-user", "--name", "Mirjam", "--role", "leadership",
                 "--email", "m@school.nl", "--school", "1"], tmp_path)
    assert made.returncode == 0, made.stderr
    empty = _run(["admin", "set-password", "--user", "1", "--password-stdin"], tmp_path,
                 stdin=b"")
    assert empty.returncode == 1 and "geen wachtwoord" in empty.stderr
    assert "Traceback" not in empty.stderr
    ok = _run(["admin", "set-password", "--user", "1", "--password-stdin"], tmp_path,
              stdin=b"een-lang-genoeg-wachtwoord\n")
    assert ok.returncode == 0 and "Wachtwoord ingesteld" in ok.stdout, ok.stderr
