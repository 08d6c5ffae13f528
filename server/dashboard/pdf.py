"""The dossier as a PDF, rendered with WeasyPrint from the same template as the printable
page (export.html): school and case number on every page, page numbers, every step with time
and person. WeasyPrint needs Pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0);
without it the PDF link is hidden and the route says so."""

from __future__ import annotations

import asyncio
import functools
import logging
from pathlib import Path
from typing import Any

from aiohttp import web

from server.dashboard import viewmodels as vm
from server.dashboard.views import JINJA, _case_context, _load_case, error_page, esc, user_of
from server.escalation import cases as case_ops

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


@functools.cache
def available() -> bool:
    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi)
    except (ImportError, OSError) as exc:
        log.warning("PDF export unavailable: %s", exc)
        return False
    return True


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC.as_uri() + "/").write_pdf()


async def case_pdf(request: web.Request) -> web.StreamResponse:
    if not available():
        return error_page(request, 404, "Pdf niet beschikbaar",
                          "Op deze server kan Denkna geen pdf maken. Gebruik 'Dossier "
                          "afdrukken' en kies in de browser 'Opslaan als pdf'.")
    service = esc(request)
    user = user_of(request)
    async with service.db.session() as s:
        case = await _load_case(request, s)
        if isinstance(case, web.Response):
            return case
        await case_ops.log_event(s, case, action="exported", now=service.clock(), user=user,
                                 detail="Dossier als pdf geëxporteerd.")
        ctx: dict[str, Any] = await _case_context(s, service, case, user)
    env = request.app[JINJA]
    html = env.get_template("export.html").render({
        **ctx, "static_url": STATIC.as_uri(), "pdf": True,
        "me": {"name": user.name}, "exported_at": vm.when(service.clock())})
    pdf = await asyncio.to_thread(render_pdf, html)
    return web.Response(body=pdf, content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="dossier-zaak-{case.id}.pdf"'})
