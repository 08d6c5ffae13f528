"""HTML to PDF with WeasyPrint. WeasyPrint needs Pango from the system (Debian:
libpango-1.0-0, libpangoft2-1.0-0); `available()` says whether this server has it."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

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
    """`html` refers to the stylesheet under STATIC (static_url = STATIC.as_uri())."""
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC.as_uri() + "/").write_pdf()
