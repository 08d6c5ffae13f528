"""Settings: one TOML file plus `DENKNA_<SECTION>_<KEY>` environment overrides.

A bad setting fails at start with a Dutch message naming the key, e.g.
`config: server.port: moet een geheel getal zijn`.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from classifiers.categories import ALL_CATEGORIES

ENV_PREFIX = "DENKNA_"


class ConfigError(Exception):
    """A configuration problem; `str(exc)` is a Dutch message naming the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    var_dir: str = "var"
    secret_key: str | None = Field(None, min_length=16)
    body_limit_bytes: int = Field(1_048_576, ge=1024)
    log_level: str = "INFO"


class DatabaseSettings(_Section):
    url: str | None = None  # default: sqlite+aiosqlite:///<var_dir>/denkna.sqlite3


class CorsSettings(_Section):
    allowed_origins: list[str] = Field(default_factory=list)

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not origin.startswith(
                ("chrome-extension://", "moz-extension://", "http://", "https://")
            ):
                raise ValueError(
                    f"'{origin}' is geen geldige origin (verwacht chrome-extension://..., "
                    "moz-extension://... of https://...)"
                )
        return value


class RateLimitSettings(_Section):
    per_second: float = Field(10.0, gt=0)
    burst: int = Field(60, ge=1)


class LoginSettings(_Section):
    """Dashboard login throttle (server/login_throttle.py): per account (the e-mail address) and
    per IP address, free attempts, then doubling delays, then a temporary lock."""

    free_attempts: int = Field(3, ge=1)
    lock_after: int = Field(10, ge=2)
    # one school often logs in from one address: the IP limits are higher
    ip_free_attempts: int = Field(30, ge=1)
    ip_lock_after: int = Field(100, ge=2)
    delay_seconds: float = Field(1.0, gt=0)
    max_delay_seconds: float = Field(60.0, gt=0)
    lock_seconds: float = Field(900.0, gt=0)
    forget_after_seconds: float = Field(3600.0, gt=0)  # failures older than this are forgotten
    max_pending_checks: int = Field(16, ge=1)  # password checks waiting at once; more: "busy"
    # reverse proxies whose X-Forwarded-For is believed (docs/deploy.md)
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"])


class SsoSettings(_Section):
    """Single sign-on (server/sso/): the schools' providers are set per school (admin API
    `PUT /api/v1/admin/schools/{id}/sso`); here only what is the same for every school."""

    # the address staff reach this server on (behind a TLS proxy: https://denkna.school.nl);
    # the provider sends the user back to <public_url>/dashboard/login/sso/callback. Empty: the
    # address of the request itself.
    public_url: str | None = None
    token_days: float = Field(7.0, gt=0, le=90)  # an extension token's life (rotated half-way)


class RetentionSettings(_Section):
    days: int = Field(30, ge=1)


class ScoringSettings(_Section):
    workers: int = Field(1, ge=0, le=8)  # quick scorers; 0 = a thread in the server process
    # deep checks (with the encoder): false = no encoder is loaded, deep is answered quick
    deep: bool = True
    deep_workers: int = Field(1, ge=0, le=8)  # 0 = a thread in the server process
    # the encoder artefact; default: classifiers/encoder/denkna-e5.safetensors
    encoder_path: str | None = None
    batch_max_items: int = Field(100, ge=1, le=1000)


class MonitoringSettings(_Section):
    """Monitoring of the official accounts: the `[monitoring]` section of the config file when
    it has one, otherwise `DENKNA_MONITORING_<KEY>` environment variables, otherwise these."""

    enabled: bool = True
    poll_interval_seconds: float = Field(120.0, gt=0)
    jitter_seconds: float = Field(10.0, ge=0)
    # how often the scheduler looks for added, paused or removed accounts
    sync_interval_seconds: float = Field(30.0, gt=0)
    lease_seconds: float = Field(90.0, gt=0)
    max_rounds_per_poll: int = Field(50, ge=1)
    backoff_base_seconds: float = Field(30.0, gt=0)
    backoff_max_seconds: float = Field(3600.0, gt=0)
    meta_app_secret: str | None = None
    meta_verify_token: str | None = None
    # per-platform overrides of server/platforms/platforms.toml (e.g. base_url for a proxy),
    # and the installation's OAuth clients (client_id, client_secret, Meta's config_id)
    platforms: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # the address schools reach this server on (https://denkna.school.nl): the platforms send
    # the browser back to <public_url>/connect/callback; unset: the address the request used
    public_url: str | None = None


def monitoring_settings(server_settings: Any = None,
                        env: Mapping[str, str] | None = None) -> MonitoringSettings:
    section = getattr(server_settings, "monitoring", None)
    if isinstance(section, BaseModel):
        section = section.model_dump()
    if isinstance(section, Mapping) and section:
        try:
            return MonitoringSettings.model_validate(dict(section))
        except ValidationError as exc:
            raise ConfigError(validation_message(exc).replace("config: ",
                                                              "config: monitoring.")) from None
    env = os.environ if env is None else env
    prefix = f"{ENV_PREFIX}MONITORING_"
    values = {k[len(prefix):].lower(): v for k, v in env.items() if k.startswith(prefix)}
    values = {k: v for k, v in values.items() if k in MonitoringSettings.model_fields
              and k != "platforms"}
    return MonitoringSettings.model_validate(values)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    server: ServerSettings = Field(default_factory=ServerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    cors: CorsSettings = Field(default_factory=CorsSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    login: LoginSettings = Field(default_factory=LoginSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    sso: SsoSettings = Field(default_factory=SsoSettings)
    scoring: ScoringSettings = Field(default_factory=ScoringSettings)
    monitoring: dict[str, Any] = Field(default_factory=dict)  # MonitoringSettings
    # overrides of the model's per-category thresholds for every school (a school may override)
    thresholds: dict[str, float] = Field(default_factory=dict)

    @field_validator("thresholds")
    @classmethod
    def _thresholds(cls, value: dict[str, float]) -> dict[str, float]:
        for cat, t in value.items():
            if cat not in ALL_CATEGORIES:
                raise ValueError(f"onbekende categorie '{cat}'")
            if not 0.0 <= t <= 1.0:
                raise ValueError(f"{cat} moet tussen 0 en 1 liggen")
        return value

    @property
    def var_path(self) -> Path:
        return Path(self.server.var_dir)

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite+aiosqlite:///{self.var_path / 'denkna.sqlite3'}"


_MESSAGES = {
    "int_parsing": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "float_parsing": "moet een getal zijn",
    "float_type": "moet een getal zijn",
    "bool_parsing": "moet true of false zijn",
    "bool_type": "moet true of false zijn",
    "string_type": "moet tekst zijn",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een tabel zijn",
    "model_type": "moet een tabel zijn",
    "extra_forbidden": "onbekende instelling",
    "missing": "ontbreekt",
}


def _describe(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind in ("greater_than_equal", "greater_than"):
        return f"moet minstens {ctx.get('ge', ctx.get('gt'))} zijn"
    if kind in ("less_than_equal", "less_than"):
        return f"mag hoogstens {ctx.get('le', ctx.get('lt'))} zijn"
    if kind == "string_too_short":
        return f"moet minstens {ctx.get('min_length')} tekens lang zijn"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "ongeldige waarde")))
    return "ongeldige waarde"


def validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "(bestand)"
    return f"config: {key}: {_describe(first)}"


def _env_overrides(env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    sections = {name: field.annotation for name, field in Settings.model_fields.items()}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX):
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        for section in sorted(sections, key=len, reverse=True):
            if rest.startswith(section + "_"):
                key = rest[len(section) + 1 :]
                model = sections[section]
                field = getattr(model, "model_fields", {}).get(key)
                is_list = field is not None and get_origin(field.annotation) is list
                parsed: Any = value
                if is_list:
                    parsed = [v.strip() for v in value.split(",") if v.strip()]
                out.setdefault(section, {})[key] = parsed
                break
    return out


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the TOML file (if any), apply env overrides, validate. Raises ConfigError."""
    env = os.environ if env is None else env
    data: dict[str, Any] = {}
    path = path or env.get("DENKNA_CONFIG")
    if path:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError as exc:
            raise ConfigError(f"config: bestand {path} bestaat niet") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config: {path} is geen geldige TOML ({exc})") from exc
    for section, values in _env_overrides(env).items():
        current = data.get(section)
        data[section] = {**current, **values} if isinstance(current, dict) else values
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(validation_message(exc)) from exc


def ensure_secret_key(settings: Settings) -> str:
    """The configured secret key, or one generated once into <var_dir>/secret_key (0600)."""
    if settings.server.secret_key:
        return settings.server.secret_key
    path = settings.var_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    settings.var_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key
