"""Response headers for every answer of the server (issue 17, finding 6).

- `Server: Denkna`: aiohttp would name Python's and its own version, which only helps an
  attacker pick an exploit. The hook covers the application's answers; the errors aiohttp
  writes itself for a malformed request (a header over 8 KB, a broken request line) never reach
  the application, so the library's default is replaced as well.
- `Cache-Control: no-store` on every /api/ answer that has none: answers carry pupils'
  comments, cases, author names or the judgement of a staff member's draft, and none of that
  may stay in a browser, proxy or shared cache. The dashboard sets its own (views.py).
"""

from __future__ import annotations

from aiohttp import web, web_response

SERVER_NAME = "Denkna"


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers["Server"] = SERVER_NAME
    if request.path.startswith("/api/") and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"


def setup(app: web.Application) -> None:
    app.on_response_prepare.append(_headers)
    # aiohttp reads this module attribute for every response it prepares, also its own 400s
    web_response.SERVER_SOFTWARE = SERVER_NAME  # type: ignore[misc]
