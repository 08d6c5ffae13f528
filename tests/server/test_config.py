"""Settings: TOML + DENKNA_* env overrides; a bad value names its key in Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.config import ConfigError, ensure_secret_key, load_settings


def test_defaults_are_embedded() -> None:
    s = load_settings(env={})
    assert (s.server.host, s.server.port) == ("127.0.0.1", 8080)
    assert s.database_url == "sqlite+aiosqlite:///var/denkna.sqlite3"
    assert s.retention.days == 30


def test_toml_then_env_overrides(tmp_path: Path) -> None:
    cfg = tmp_path / "denkna.toml"
    cfg.write_text('[server]\nport = 9000\n[cors]\nallowed_origins = ["moz-extension://a"]\n'
                   '[thresholds]\nprofanity = 0.8\n')
    s = load_settings(cfg, env={"DENKNA_SERVER_PORT": "9100",
                                "DENKNA_RATE_LIMIT_BURST": "5",
                                "DENKNA_CORS_ALLOWED_ORIGINS": "chrome-extension://x, moz-extension://y"})
    assert s.server.port == 9100
    assert s.rate_limit.burst == 5
    assert s.cors.allowed_origins == ["chrome-extension://x", "moz-extension://y"]
    assert s.thresholds == {"profanity": 0.8}


@pytest.mark.parametrize(
    ("toml", "env", "message"),
    [
        ("", {"DENKNA_SERVER_PORT": "abc"}, "config: server.port: moet een geheel getal zijn"),
        ("[server]\nport = 70000\n", {}, "config: server.port: mag hoogstens 65535 zijn"),
        ("[server]\nprot = 1\n", {}, "config: server.prot: onbekende instelling"),
        ("[thresholds]\nbullying = 3\n", {}, "config: thresholds: bullying moet tussen 0 en 1"),
        ("[cors]\nallowed_origins = ['ftp://x']\n", {}, "config: cors.allowed_origins:"),
        ("[server\n", {}, "is geen geldige TOML"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, toml: str, env: dict, message: str) -> None:
    cfg = tmp_path / "denkna.toml"
    cfg.write_text(toml)
    with pytest.raises(ConfigError) as exc:
        load_settings(cfg, env=env)
    assert message in str(exc.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="bestaat niet"):
        load_settings(tmp_path / "nope.toml", env={})


def test_secret_key_generated_once(tmp_path: Path) -> None:
    s = load_settings(env={"DENKNA_SERVER_VAR_DIR": str(tmp_path)})
    key = ensure_secret_key(s)
    assert len(key) >= 32 and ensure_secret_key(s) == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
