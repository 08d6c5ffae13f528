"""The consent list's upload may be larger than an API body (server.body_limit_bytes): this
middleware gives that one route its own limit, and a file over it a Dutch message on the
consent page (a redirect) instead of a bare 413. It runs outside the dashboard's middleware,
which reads the form (for its CSRF check) with the limit of the request it is given."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.school.consent_csv import MAX_BYTES

PAGE_PATH = "/dashboard/settings/consent"
UPLOAD_PATH = PAGE_PATH + "/import"
SLACK = 256 * 1024  # the form's other fields and the multipart framing


@web.middleware
async def upload_size(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.method != "POST" or request.path != UPLOAD_PATH:
        return await handler(request)
    try:
        return await handler(request.clone(client_max_size=MAX_BYTES + SLACK))
    except web.HTTPRequestEntityTooLarge:
        raise web.HTTPSeeOther(PAGE_PATH + "?m=too_big") from None
