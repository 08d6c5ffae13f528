"""The mail server that alerts go out through: the installation's default (environment,
`DENKNA_SMTP_*`), a school's own settings (school setting `mail_server`, edited on the
dashboard; the password stored Fernet-encrypted under a key derived from the server secret),
and a connection test that reports in plain Dutch."""

from __future__ import annotations

import asyncio
import base64
import smtplib
import ssl
from dataclasses import asdict, dataclass, replace
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.ext.asyncio import AsyncSession

from server.storage.models import SchoolSetting

MAIL_SETTING = "mail_server"
SECURITY = ("none", "starttls", "ssl")
SECURITY_LABELS = {"none": "geen (alleen binnen het schoolnetwerk)",
                   "starttls": "STARTTLS (meestal poort 587)", "ssl": "SSL/TLS (meestal poort 465)"}
KDF_INFO = b"denkna/mail-server-password/v1"


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "denkna@localhost"
    username: str | None = None
    password: str | None = None
    security: str = "none"  # none | starttls | ssl
    timeout: float = 10.0

    @property
    def starttls(self) -> bool:
        return self.security == "starttls"

    @property
    def where(self) -> str:
        """The server in words, for messages: 'smtp.school.nl (poort 587)'."""
        return f"{self.host} (poort {self.port})"


def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KDF_INFO).derive(
        secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def to_stored(settings: SmtpSettings, secret: str) -> dict[str, Any]:
    value = asdict(settings)
    password = value.pop("password")
    value["password_encrypted"] = (_fernet(secret).encrypt(password.encode()).decode("ascii")
                                   if password else None)
    return value


def from_stored(value: Any, secret: str, default: SmtpSettings) -> SmtpSettings:
    """A school's stored settings, or `default` when there are none (or they are damaged)."""
    if not isinstance(value, dict):
        return default
    password = None
    if value.get("password_encrypted"):
        try:
            password = _fernet(secret).decrypt(value["password_encrypted"].encode()).decode()
        except (InvalidToken, ValueError):
            password = None  # the server secret changed: the school must type it again
    try:
        return SmtpSettings(host=str(value["host"]), port=int(value["port"]),
                            sender=str(value["sender"]), username=value.get("username") or None,
                            password=password, security=str(value.get("security", "none")),
                            timeout=float(value.get("timeout", default.timeout)))
    except (KeyError, TypeError, ValueError):
        return default


async def school_smtp(session: AsyncSession, school_id: int | None, secret: str,
                      default: SmtpSettings) -> SmtpSettings:
    if school_id is None:
        return default
    row = await session.get(SchoolSetting, (school_id, MAIL_SETTING))
    return from_stored(row.value if row else None, secret, default)


async def has_own_settings(session: AsyncSession, school_id: int) -> bool:
    return await session.get(SchoolSetting, (school_id, MAIL_SETTING)) is not None


async def save_school_smtp(session: AsyncSession, school_id: int, settings: SmtpSettings,
                           secret: str) -> None:
    row = await session.get(SchoolSetting, (school_id, MAIL_SETTING))
    value = to_stored(settings, secret)
    if row is None:
        session.add(SchoolSetting(school_id=school_id, key=MAIL_SETTING, value=value))
    else:
        row.value = value


def with_password(settings: SmtpSettings, password: str | None) -> SmtpSettings:
    return replace(settings, password=password)


def _probe(settings: SmtpSettings) -> None:
    context = ssl.create_default_context()
    cls = smtplib.SMTP_SSL if settings.security == "ssl" else smtplib.SMTP
    kwargs: dict[str, Any] = {"context": context} if settings.security == "ssl" else {}
    with cls(settings.host, settings.port, timeout=settings.timeout, **kwargs) as smtp:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.noop()


async def check_connection(settings: SmtpSettings) -> str | None:
    """Connect, secure and log in without sending anything. None when all went well, else the
    technical cause (the caller explains it in Dutch)."""
    try:
        await asyncio.to_thread(_probe, settings)
    except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
        return f"{exc.__class__.__name__}: {exc}"
    return None
