"""The consent page every fake platform shows at its authorize endpoint, and the redirect back.

A real platform first asks who you are (you log in), then what you allow. The fake shows one
page: pick the account(s) you are "logged in" with, see the permissions asked, and allow or
cancel. Allow sends the browser to `redirect_uri?code=...&state=...`, cancel to
`redirect_uri?error=access_denied&...&state=...`, both in the platform's own words.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aiohttp import web
from yarl import URL


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def consent_page(*, platform: str, app_name: str, scopes: Sequence[str],
                 choices: Sequence[Choice], multiple: bool, query: Mapping[str, str],
                 action: str) -> web.Response:
    """The form posts every query parameter back, plus `account` (one or more) and `decision`."""
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in query.items())
    kind = "checkbox" if multiple else "radio"
    options = "".join(
        f'<label><input type="{kind}" name="account" value="{html.escape(c.value)}"'
        f'{" checked" if multiple or i == 0 else ""}> {html.escape(c.label)}</label><br>'
        for i, c in enumerate(choices))
    if not choices:
        options = "<p>Geen accounts om te delen.</p>"
    asked = "".join(f"<li><code>{html.escape(s)}</code></li>" for s in scopes)
    body = f"""<!doctype html><html lang="nl"><head><meta charset="utf-8">
<title>{html.escape(platform)} – toegang geven</title></head><body>
<h1>{html.escape(app_name)} wil toegang tot uw {html.escape(platform)}-account</h1>
<form method="post" action="{html.escape(action)}">{hidden}
<fieldset><legend>Doorgaan als</legend>{options}</fieldset>
<p>Gevraagde rechten:</p><ul class="scopes">{asked}</ul>
<button type="submit" name="decision" value="allow">Toestaan</button>
<button type="submit" name="decision" value="deny">Annuleren</button>
</form></body></html>"""
    return web.Response(text=body, content_type="text/html")


def error_page(message: str, status: int = 400) -> web.Response:
    return web.Response(text=f"<!doctype html><title>Fout</title><p>{html.escape(message)}</p>",
                        status=status, content_type="text/html")


def back_to(redirect_uri: str, params: Mapping[str, str], fragment: str = "") -> web.HTTPFound:
    url = URL(redirect_uri).update_query(dict(params))
    if fragment:
        url = url.with_fragment(fragment)
    return web.HTTPFound(str(url))


async def decision(request: web.Request) -> tuple[dict[str, str], list[str], bool]:
    """(the original query, the chosen accounts, allowed?) from the posted consent form."""
    form = await request.post()
    query = {k: str(v) for k, v in form.items() if k not in ("account", "decision")}
    chosen = [str(v) for v in form.getall("account", [])]
    return query, chosen, form.get("decision") == "allow"
