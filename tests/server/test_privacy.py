"""A draft never reaches a table row, a log line or an error message — also when the request
fails (validation error, too long, internal error)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from sqlalchemy import text

from server import keys
from server.storage.models import Base


async def _all_rows_text(db: Any) -> str:
    dump = []
    async with db.engine.connect() as conn:
        names = await conn.run_sync(lambda c: c.dialect.get_table_names(c))
        for name in names:
            rows = (await conn.execute(text(f'SELECT * FROM "{name}"'))).all()
            dump.extend(repr(tuple(r)) for r in rows)
    return "\n".join(dump)


@pytest.fixture
def marker() -> str:
    return f"GEHEIMCONCEPT{uuid.uuid4().hex}"


async def test_draft_text_is_never_stored_or_logged(
    seeded: tuple[Any, Any], marker: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cli, seed = seeded
    staff = seed.headers(seed.schools[0].tokens["staff"])
    nasty = f"{marker} jij bent een vieze kankerlijer, bel me op 0612345678"
    bodies: list[tuple[str, Any, dict[str, str]]] = [
        ("/api/v1/check", {"text": nasty, "context": {"account_type": "private",
                                                      "reply_to": marker}}, {}),
        ("/api/v1/check/batch", {"items": [{"id": "1", "text": nasty}]}, {}),
        # failing requests: unknown field, wrong type, too long, bad locale
        ("/api/v1/check", {"text": nasty, marker: marker}, {}),
        ("/api/v1/check", {"text": [marker]}, {}),
        ("/api/v1/check", {"text": marker * 10_000}, {}),
        ("/api/v1/check", {"text": nasty, "locale": marker}, {}),
        ("/api/v1/check", {"text": nasty, "context": {"account_type": marker}}, {}),
    ]
    responses = []
    for url, body, _ in bodies:
        resp = await cli.post(url, json=body, headers=staff)
        responses.append((resp.status, await resp.text()))
    # invalid JSON and wrong content type with the marker inside
    resp = await cli.post("/api/v1/check", data=f'{{"text": "{marker}"',
                          headers={**staff, "Content-Type": "application/json"})
    responses.append((resp.status, await resp.text()))
    resp = await cli.post("/api/v1/check", data=marker, headers={**staff,
                                                                 "Content-Type": "text/plain"})
    responses.append((resp.status, await resp.text()))
    statuses = [s for s, _ in responses]
    assert statuses[:2] == [200, 200]
    assert all(400 <= s < 500 for s in statuses[2:]), statuses
    for status, body in responses[2:]:
        assert marker not in body, (status, body)
    await cli.app[keys.COUNTERS].flush()
    assert marker not in await _all_rows_text(cli.app[keys.DB])
    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    assert "POST /api/v1/check" in logged  # the access log did run
    assert marker not in logged


async def test_internal_error_is_json_500_without_text(
    seeded: tuple[Any, Any], marker: str, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    cli, seed = seeded
    pool = cli.app[keys.SCORER_POOL]

    async def explode(text: str, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"scorer crashed on {text}")

    monkeypatch.setattr(pool, "score", explode)
    resp = await cli.post("/api/v1/check", json={"text": marker},
                          headers=seed.headers(seed.schools[0].tokens["staff"]))
    assert resp.status == 500
    body = await resp.json()
    assert body["error"]["code"] == "internal_error"
    assert marker not in await resp.text()
    logged = "\n".join(
        r.getMessage() + repr(r.args) + (repr(r.exc_info[1]) if r.exc_info else "")
        for r in caplog.records if r.levelno >= logging.INFO
    )
    assert "internal error" in logged
    assert marker not in logged


def test_no_table_has_a_draft_column() -> None:
    """Only comments (from official accounts) have text; nothing is named like a draft."""
    for table in Base.metadata.tables.values():
        assert "draft" not in table.name
        assert not any("draft" in c.name for c in table.columns)
