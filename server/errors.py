"""JSON errors: `{"error": {"code", "message" (Dutch), "details"?}}` for every 4xx, and a
middleware that turns anything unexpected into a JSON 500 without echoing request content."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger("denkna.server")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.details = status, code, message, details
        self.headers = headers or {}


def error_response(
    status: int, code: str, message: str, details: Any = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return web.json_response({"error": body}, status=status, headers=headers)


_HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Het verzoek is ongeldig."),
    401: ("unauthorized", "Je bent niet aangemeld."),
    403: ("forbidden", "Je hebt geen toegang tot deze functie."),
    404: ("not_found", "Deze pagina of dit object bestaat niet."),
    405: ("method_not_allowed", "Deze methode is hier niet toegestaan."),
    413: ("body_too_large", "Het verzoek is te groot."),
    415: ("unsupported_media_type", "Stuur JSON (Content-Type: application/json)."),
    429: ("rate_limited", "Te veel verzoeken; probeer het zo weer."),
}


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        code, message = _HTTP_MESSAGES.get(exc.status, ("http_error", "Het verzoek is mislukt."))
        headers = {k: v for k, v in exc.headers.items() if k in ("Allow", "Retry-After")}
        return error_response(exc.status, code, message, headers=headers or None)
    except Exception:
        # Never log the body or the exception message (it may contain request text).
        log.error(
            "internal error on %s %s", request.method, request.match_info.route.resource
            and request.match_info.route.resource.canonical, exc_info=False,
        )
        log.debug("internal error traceback", exc_info=True)
        return error_response(500, "internal_error", "Er ging iets mis op de server.")
