"""The extension on pages built from real editor libraries: Lexical (rich and plain text),
Draft.js, ProseMirror, Quill, Slate and a React-controlled textarea, pinned in
tests/browser/editors/package-lock.json and bundled by esbuild in `make test`.

For each: type a draft with personal data, see it marked (panel and in place), apply the
one-click rewrite at once, post with the site's own button, and the site sends exactly the
rewrite. Slate (slate-react reads the page selection at most once per 100 ms) used to get the
rewrite appended to the original."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.browser.conftest import DenknaServer, PageServer, _http, built_editor_pages
from tests.browser.helpers import PANEL, PUPIL, open_composer, posted, type_and_time_panel

pytestmark = pytest.mark.browser

EDITORS = [
    "lexical-rich", "lexical-plain", "draft", "prosemirror", "quill", "slate", "react-textarea",
]


def rewrite_for(server: DenknaServer, text: str) -> str:
    """The redacted text the server suggests for `text` (what the one-click fix must put in)."""
    status, body = _http("POST", f"{server.base_url}/api/v1/check", server.staff_token,
                         {"text": text, "locale": "nl"})
    assert status == 200, body
    flags = [f for f in json.loads(body)["flags"] if f["category"] == "personal_data"]
    assert flags and flags[0]["suggestion"], body
    return str(flags[0]["suggestion"])


def marked_in_place(page: Any) -> list[str]:
    """The fragments Denkna marks inside the field itself (highlight API or textarea mirror)."""
    return list(page.evaluate(
        """() => {
          const rich = [...(CSS.highlights.get('denkna-finding') || [])].map((r) => r.toString());
          const ui = document.querySelector('denkna-ui').shadowRoot;
          const mirror = [...ui.querySelectorAll('.mirror.visible mark.hl')]
            .map((m) => m.textContent);
          return rich.concat(mirror);
        }"""
    ))


def test_every_editor_page_was_built() -> None:
    assert sorted(built_editor_pages()) == sorted(EDITORS)


@pytest.mark.parametrize("editor", EDITORS)
def test_type_mark_rewrite_and_post_on_a_real_editor(
    page: Any, pages: PageServer, denkna_server: DenknaServer, editor: str
) -> None:
    rewrite = rewrite_for(denkna_server, PUPIL)
    assert "06-12345678" not in rewrite and rewrite != PUPIL
    open_composer(page, pages.editor(editor))
    shown = type_and_time_panel(page, PUPIL)
    assert page.evaluate("window.editorText()") == PUPIL  # the editor's own model has the draft
    finding = page.locator(f'{PANEL} .finding[data-category="personal_data"]')
    assert "06-12345678" in finding.locator(".excerpt mark").all_inner_texts()
    in_place = marked_in_place(page)
    assert "06-12345678" in in_place, in_place

    t0 = time.monotonic()
    finding.locator('button[data-fix="redact"]').click()  # at once, as a person clicks
    page.wait_for_function("(t) => window.editorText() === t", arg=rewrite, timeout=5000)
    applied = time.monotonic() - t0
    page.click("#post", timeout=5000)
    page.wait_for_function("() => window.posted.length > 0")
    print(f"\n{editor}: panel {shown:.2f} s after typing, rewrite in the editor's model "
          f"{applied:.2f} s after the click")
    assert posted(page) == [rewrite]
