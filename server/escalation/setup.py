"""`setup(app)`: escalation as a feature of the server: the service in `app[ESCALATION]`, its
outbox worker, and its answers to the hooks: new comments are run through the detector
(COMMENT_LISTENERS), an account needing a new token mails the admins (REAUTH_HOOKS), and the
threads of cases outlive the retention purge (RETENTION_KEEP_THREADS)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy import select

from server import keys
from server.escalation.channels import quiet_apprise_logging
from server.escalation.reauth import alert_admins
from server.escalation.service import ESCALATION, Escalation, EscalationConfig
from server.storage.escalation_models import Case

ESCALATION_CONFIG = web.AppKey("escalation_config", EscalationConfig)


def setup(app: web.Application, config: EscalationConfig | None = None,
          *, start_worker: bool = True) -> None:
    """`config` (or `app[ESCALATION_CONFIG]`, set before start): otherwise from the
    environment (`DENKNA_SMTP_*`, `DENKNA_PUBLIC_URL`, `DENKNA_STEPS_FILE`)."""
    if config is not None:
        app[ESCALATION_CONFIG] = config

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        quiet_apprise_logging()
        service = Escalation(app[keys.DB], app.get(ESCALATION_CONFIG) or _config_from_env(app),
                             secret=app.get(keys.SECRET_KEY))
        app[ESCALATION] = service
        if keys.METRICS in app:
            app[keys.METRICS].collectors.append(service.outbox.stats.metric_lines)
        app[keys.COMMENT_LISTENERS].append(service.on_comments)
        if keys.RETENTION_KEEP_THREADS in app:
            app[keys.RETENTION_KEEP_THREADS].append(case_threads)
        if keys.REAUTH_HOOKS in app:

            async def reauth_hook(app: web.Application, alert: keys.ReauthAlert) -> None:
                await alert_admins(app, alert, service)

            app[keys.REAUTH_HOOKS].append(reauth_hook)
        if start_worker:
            service.outbox.start(service.config.outbox_interval)
        yield
        await service.outbox.stop()

    app.cleanup_ctx.append(ctx)


def _config_from_env(app: web.Application) -> EscalationConfig:
    settings = app.get(keys.SETTINGS)
    default_url = (f"http://{settings.server.host}:{settings.server.port}" if settings
                   else "http://127.0.0.1:8080")
    return EscalationConfig.from_env(default_url=default_url)


async def case_threads(app: web.Application) -> set[int]:
    """Threads that are part of a case are kept past the retention period (the dossier)."""
    async with app[keys.DB].session() as s:
        return {t for t in (await s.scalars(select(Case.thread_id))).all() if t is not None}
