"""Platform access tokens, stored encrypted (Fernet) under a key derived from the server secret.

What is stored is a `Grant`: the access token and, for platforms whose access tokens expire
(Google: after about an hour), the refresh token and the expiry, all inside the one encrypted
value. A bare token (set through `PUT /api/v1/accounts/{id}/token`) is a grant without refresh.
The tokens never appear in a log line, an error message or an API answer.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.ext.asyncio import AsyncSession

from server.storage.models import utcnow
from server.storage.monitoring_models import AccountCredential

KDF_INFO = b"denkna/account-credentials/v1"


class CredentialError(Exception):
    """No token stored, or it cannot be decrypted (the server secret changed)."""


def fernet_for(secret: str, info: bytes = KDF_INFO) -> Fernet:
    """A Fernet key derived (HKDF-SHA256) from the server secret; the same secret gives the same
    key on every instance. `info` separates keys of different uses."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_token(secret: str, token: str) -> str:
    return fernet_for(secret).encrypt(token.encode("utf-8")).decode("ascii")


def decrypt_token(secret: str, stored: str) -> str:
    try:
        return fernet_for(secret).decrypt(stored.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise CredentialError("token kan niet worden ontsleuteld (is de server-sleutel "
                              "veranderd?)") from exc


@dataclass(frozen=True)
class Grant:
    """What an account's connection holds. `expires_at` (unix seconds) is when the access token
    stops working, None when it does not expire (Meta Page tokens, Mastodon)."""

    access_token: str
    refresh_token: str | None = None
    expires_at: float | None = None
    scopes: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)  # e.g. Mastodon's client id

    def expires_within(self, seconds: float, now: float) -> bool:
        return self.expires_at is not None and self.expires_at - now <= seconds

    def seal(self, secret: str) -> str:
        body = {k: v for k, v in asdict(self).items() if v not in (None, (), {}, [])}
        return encrypt_token(secret, json.dumps({"grant": 1, **body}))

    @classmethod
    def unseal(cls, secret: str, stored: str) -> Grant:
        plain = decrypt_token(secret, stored)
        if not plain.startswith("{"):
            return cls(access_token=plain)  # a bare token (set by hand)
        try:
            data = json.loads(plain)
            return cls(access_token=str(data["access_token"]),
                       refresh_token=data.get("refresh_token"),
                       expires_at=data.get("expires_at"),
                       scopes=tuple(data.get("scopes") or ()),
                       extra=dict(data.get("extra") or {}))
        except (ValueError, KeyError, TypeError) as exc:
            raise CredentialError("het opgeslagen token is onleesbaar") from exc


async def store_token(session: AsyncSession, secret: str, account_id: int, token: str,
                      user_id: int | None = None) -> None:
    await store_grant(session, secret, account_id, Grant(access_token=token), user_id)


async def store_grant(session: AsyncSession, secret: str, account_id: int, grant: Grant,
                      user_id: int | None = None) -> None:
    row = await session.get(AccountCredential, account_id)
    encrypted = grant.seal(secret)
    if row is None:
        session.add(AccountCredential(account_id=account_id, token_encrypted=encrypted,
                                      updated_at=utcnow(), updated_by_user_id=user_id))
    else:
        row.token_encrypted, row.updated_at = encrypted, utcnow()
        row.updated_by_user_id = user_id
    await session.flush()


async def load_token(session: AsyncSession, secret: str, account_id: int) -> str:
    return (await load_grant(session, secret, account_id)).access_token


async def load_grant(session: AsyncSession, secret: str, account_id: int) -> Grant:
    row = await session.get(AccountCredential, account_id)
    if row is None:
        raise CredentialError("geen toegangstoken ingesteld voor dit account")
    return Grant.unseal(secret, row.token_encrypted)


def expiry(now: float, expires_in: object) -> float | None:
    """Unix time an access token stops working, from a token answer's `expires_in`."""
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and expires_in > 0:
        return now + float(expires_in)
    return None

