"""Monitoring settings: the `[monitoring]` section of the server config when it has one,
otherwise `DENKNA_MONITORING_<KEY>` environment variables, otherwise these defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class MonitoringSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
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
    # per-platform overrides of server/platforms/platforms.toml (e.g. base_url for a proxy)
    platforms: dict[str, dict[str, Any]] = Field(default_factory=dict)


def monitoring_settings(server_settings: Any = None,
                        env: Mapping[str, str] | None = None) -> MonitoringSettings:
    section = getattr(server_settings, "monitoring", None)
    if isinstance(section, BaseModel):
        section = section.model_dump()
    if isinstance(section, Mapping) and section:
        try:
            return MonitoringSettings.model_validate(dict(section))
        except ValidationError as exc:
            from server.config import ConfigError, validation_message

            raise ConfigError(validation_message(exc).replace("config: ",
                                                              "config: monitoring.")) from None
    env = os.environ if env is None else env
    prefix = "DENKNA_MONITORING_"
    values = {k[len(prefix):].lower(): v for k, v in env.items() if k.startswith(prefix)}
    values = {k: v for k, v in values.items() if k in MonitoringSettings.model_fields
              and k != "platforms"}
    return MonitoringSettings.model_validate(values)
