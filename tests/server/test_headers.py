"""Response headers (issue 17, finding 6): no Python or aiohttp version in `Server`, and
`Cache-Control: no-store` on API answers with pupils' comments, cases or judgements."""

from __future__ import annotations

import asyncio
import re
from typing import Any


def _no_versions(resp: Any) -> None:
    server = resp.headers.get("Server", "")
    assert "Python" not in server and "aiohttp" not in server and not re.search(r"\d", server), \
        server


async def test_server_header_names_no_versions(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    staff = seed.headers(seed.schools[0].tokens["staff"])
    for resp in (
        await cli.get("/api/v1/health"),
        await cli.post("/api/v1/check", json={"text": "hoi"}, headers=staff),
        await cli.post("/api/v1/check", json={"text": 5}, headers=staff),  # 422
        await cli.get("/api/v1/threads"),  # 401
        await cli.get("/nergens"),  # 404
        await cli.get("/dashboard/login"),
        await cli.get("/dashboard/", allow_redirects=False),  # 303
    ):
        _no_versions(resp)


async def _ingest_thread(cli: Any, seed: Any) -> int:
    school = seed.schools[0]
    resp = await cli.post("/api/v1/comments", headers=seed.headers(school.tokens["connector"]),
                          json={"account_id": school.account_id, "comments": [
                              {"external_id": "c1", "post_id": "p1", "author_name": "Sanne",
                               "text": "Jij bent een vieze kankerlijer",
                               "created_at": "2026-11-20T10:00:00Z"}]})
    assert resp.status == 200, await resp.text()
    lead = seed.headers(school.tokens["leadership"])
    threads = await (await cli.get("/api/v1/threads", headers=lead)).json()
    return threads["threads"][0]["id"]


async def test_answers_with_comments_and_cases_are_not_stored(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    school = seed.schools[0]
    lead = seed.headers(school.tokens["leadership"])
    thread_id = await _ingest_thread(cli, seed)
    thread = await cli.get(f"/api/v1/threads/{thread_id}", headers=lead)
    assert thread.status == 200 and "kankerlijer" in await thread.text()
    assert thread.headers["Cache-Control"] == "no-store"
    listing = await cli.get("/api/v1/threads", headers=lead)
    assert listing.headers["Cache-Control"] == "no-store"
    report = await cli.post("/api/v1/cases/report", json={"thread_id": thread_id},
                            headers=seed.headers(school.tokens["staff"]))
    assert report.status in (200, 201) and report.headers["Cache-Control"] == "no-store"
    check = await cli.post("/api/v1/check", json={"text": "Bel Sanne op 0612345678"},
                           headers=seed.headers(school.tokens["staff"]))
    assert check.headers["Cache-Control"] == "no-store"


async def test_every_api_get_is_no_store(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    await _ingest_thread(cli, seed)
    admin = seed.headers(seed.admin_token)
    seen = 0
    for resource in cli.app.router.resources():
        path = re.sub(r"\{[^}]+\}", "1", resource.canonical)
        if not path.startswith("/api/"):
            continue
        for route in resource:
            if route.method != "GET":
                continue
            resp = await cli.get(path, headers=admin)
            seen += 1
            assert resp.headers.get("Cache-Control") == "no-store", (path, resp.status)
    assert seen >= 8


async def test_aiohttps_own_error_for_a_malformed_request_names_no_versions(
    seeded: tuple[Any, Any]
) -> None:
    cli, _ = seeded
    reader, writer = await asyncio.open_connection(cli.host, cli.port)
    writer.write(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000
                 + b"\r\n\r\n")
    await writer.drain()
    head = (await asyncio.wait_for(reader.read(400), 10)).decode("latin-1")
    writer.close()
    assert head.startswith("HTTP/1.") and " 400 " in head.split("\r\n")[0]
    server = re.search(r"^Server: (.*)$", head, re.M | re.I)
    assert server and "Python" not in server.group(1) and "aiohttp" not in server.group(1), head
