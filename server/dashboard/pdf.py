"""The dossier as a PDF, rendered from the same template as the printable page (export.html):
school and case number on every page, page numbers, every step with time and person. Without
WeasyPrint's system library the PDF link is hidden and this route says so."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from server.dashboard import viewmodels as vm
from server.dashboard.pdf_render import STATIC, available, render_pdf
from server.dashboard.views import JINJA, _case_context, _load_case, error_page, esc, user_of
from server.escalation import cases as case_ops


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
