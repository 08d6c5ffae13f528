"""The extension in real Chromium against the real Denkna server.

One browser and one server for the whole module; the last test stops the server."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Browser, DenknaServer, PageServer
from tests.browser.helpers import (
    BADGE,
    BULLYING,
    DIALOG,
    HARMLESS,
    MARKER,
    PANEL,
    PUPIL,
    clear,
    open_composer,
    posted,
    school_settings,
    type_and_time_panel,
    wait_nudge,
    wait_status,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("composer", ["textarea.html", "rich.html"])
def test_bullying_is_marked_within_1_5_s_and_harmless_text_is_not(
    page: Any, pages: PageServer, composer: str, artifacts: Path
) -> None:
    field = open_composer(page, pages.listed(composer))
    elapsed = type_and_time_panel(page, BULLYING)
    print(f"\n{composer}: panel with marked fragment {elapsed:.3f} s after the last keystroke")
    assert elapsed < 1.5
    panel = page.locator(PANEL)
    finding = panel.locator('.finding[data-category="bullying"]')
    assert finding.locator(".cat").inner_text() == "Pesten"
    assert "mongool" in finding.locator("mark").first.inner_text()
    assert finding.locator(".reason").inner_text().strip()
    assert "Protocol" in finding.locator(".ref").inner_text()
    assert "Doet het er toe?" in panel.inner_text()
    assert "null" not in panel.inner_text() and "undefined" not in panel.inner_text()
    assert page.locator(BADGE).get_attribute("data-status") == "warn"
    # the live region tells a screen reader what was found
    page.wait_for_function(
        "() => document.querySelector('denkna-ui').shadowRoot"
        ".querySelector('[aria-live]').textContent.includes('pesten')"
    )
    page.screenshot(path=str(artifacts / f"panel-nl-{composer.split('.')[0]}.png"))
    if composer == "textarea.html":  # marked in place too, over the textarea
        assert "mongool" in page.locator("denkna-ui .mirror.visible mark.hl").first.inner_text()
    if composer == "rich.html":
        assert page.evaluate("window.renders") >= len(BULLYING)  # it really re-rendered
        # marked in place through the CSS Custom Highlight API, on the editor's current nodes
        marked = page.evaluate(
            "() => [...(CSS.highlights.get('denkna-finding') || [])].map((r) => r.toString())"
        )
        assert any("mongool" in m for m in marked), marked

    clear(page, field)
    page.keyboard.type(HARMLESS, delay=10)
    wait_status(page, "ok")
    assert page.locator(PANEL).count() == 0


@pytest.mark.parametrize("composer", ["rich.html", "textarea.html"])
def test_one_click_redaction_reaches_the_page_state(
    page: Any, pages: PageServer, composer: str, artifacts: Path
) -> None:
    open_composer(page, pages.listed(composer))
    type_and_time_panel(page, PUPIL)
    finding = page.locator(f'{PANEL} .finding[data-category="personal_data"]')
    suggestion = finding.locator(".suggestion").inner_text()
    assert "06-12345678" not in suggestion and "Sanne" not in suggestion
    if composer == "rich.html":
        page.screenshot(path=str(artifacts / "panel-nl-personal-data.png"))
    button = finding.locator('button[data-fix="redact"]')
    assert button.inner_text() == "Vervang door geanonimiseerde tekst"
    button.click()
    page.wait_for_function("(t) => !document.body.innerText.includes(t)", arg="06-12345678")
    page.click("#post")
    page.wait_for_function("() => window.posted.length === 1")
    sent = posted(page)
    assert len(sent) == 1
    assert "Sanne de Vries" not in sent[0] and "06-12345678" not in sent[0]
    assert "[telefoonnummer]" in sent[0] or "[" in sent[0]


def test_post_button_asks_denk_na_once_and_post_anyway_sends_the_text_unchanged(
    page: Any, pages: PageServer, artifacts: Path
) -> None:
    open_composer(page, pages.listed("rich.html"))
    type_and_time_panel(page, BULLYING)
    page.click("#post")
    dialog = page.locator(DIALOG)
    dialog.wait_for(timeout=5000)
    assert "Denk na" in dialog.locator("h2").inner_text()
    assert posted(page) == []  # held back while the dialog is open
    page.screenshot(path=str(artifacts / "dialog-nl.png"))
    # keyboard: focus starts on "Aanpassen", Tab moves within the dialog
    assert page.evaluate(
        "() => document.querySelector('denkna-ui').shadowRoot.activeElement.dataset.action"
    ) == "edit"
    dialog.locator('[data-action="post"]').click()
    page.wait_for_function("() => window.posted.length === 1")
    assert posted(page) == [BULLYING]
    assert page.locator(DIALOG).count() == 0
    # the same text again: no second dialog
    page.click("#post")
    page.wait_for_function("() => window.posted.length === 2")
    assert page.locator(DIALOG).count() == 0


def test_add_disclaimer_in_one_click(page: Any, pages: PageServer, artifacts: Path) -> None:
    opinion = ("Ik vind het echt schandalig hoe onze school met de nieuwe roosters omgaat, "
               "de directie luistert niet")
    open_composer(page, pages.listed("rich.html"))
    type_and_time_panel(page, opinion)
    finding = page.locator(f'{PANEL} .finding[data-category="protocol"]')
    assert finding.locator(".cat").inner_text() == "Protocolregel"
    button = finding.locator('button[data-fix="disclaimer"]')
    assert button.inner_text() == "Voeg disclaimer toe"
    page.screenshot(path=str(artifacts / "panel-nl-disclaimer.png"))
    button.click()
    page.wait_for_function("() => window.editorModel().includes('mening')")
    page.click("#post")  # held until the new text is checked, then let through
    page.wait_for_function("() => window.posted.length === 1")
    assert page.locator(DIALOG).count() == 0
    sent = posted(page)
    assert sent[-1].startswith(opinion)
    assert "persoonlijke mening" in sent[-1][len(opinion):]


def test_enter_in_a_one_line_reply_asks_first(page: Any, pages: PageServer) -> None:
    open_composer(page, pages.listed("textarea.html"))
    page.click("#reply")
    type_and_time_panel(page, BULLYING)
    page.keyboard.press("Enter")
    dialog = page.locator(DIALOG)
    dialog.wait_for(timeout=5000)
    assert posted(page) == []
    dialog.locator('[data-action="post"]').click()
    page.wait_for_function("() => window.posted.length === 1")
    assert posted(page) == [BULLYING]


def test_escape_in_the_dialog_means_edit(page: Any, pages: PageServer) -> None:
    open_composer(page, pages.listed("textarea.html"))
    type_and_time_panel(page, BULLYING)
    page.click("#post")
    page.locator(DIALOG).wait_for(timeout=5000)
    page.keyboard.press("Escape")
    assert page.locator(DIALOG).count() == 0
    assert posted(page) == []
    assert page.evaluate("document.activeElement.id") == "composer"


def test_panel_is_reachable_by_keyboard(page: Any, pages: PageServer) -> None:
    open_composer(page, pages.listed("rich.html"))
    type_and_time_panel(page, PUPIL)
    page.keyboard.press("Alt+Shift+D")  # from the field into the panel
    focused = "() => document.querySelector('denkna-ui').shadowRoot.activeElement?.className"
    assert page.evaluate(focused) in ("fix", "close")
    page.keyboard.press("Escape")
    assert page.locator(PANEL).count() == 0
    assert page.evaluate("document.activeElement.id") == "editor"
    # the badge brings it back
    page.locator(BADGE).click()
    page.locator(PANEL).wait_for()


def test_site_list_matching_in_the_worker(ext: Browser) -> None:
    listed = ext.worker.evaluate(
        """() => {
          const sites = ["facebook.com", "socialschools.*", "127.0.0.1"];
          const hosts = ["facebook.com", "www.facebook.com", "m.facebook.com", "notfacebook.com",
                         "facebook.com.evil.nl", "app.socialschools.nl", "socialschools.eu",
                         "127.0.0.1", "localhost", "evil.127.0.0.1"];
          return Object.fromEntries(hosts.map((h) => [h, DenknaSettings.hostListed(h, sites)]));
        }"""
    )
    assert listed == {
        "facebook.com": True, "www.facebook.com": True, "m.facebook.com": True,
        "notfacebook.com": False, "facebook.com.evil.nl": False, "app.socialschools.nl": True,
        "socialschools.eu": True, "127.0.0.1": True, "localhost": False, "evil.127.0.0.1": False,
    }
    kinds = ext.worker.evaluate(
        """() => ["https://www.facebook.com/AmadeusLyceum/posts/1",
                  "https://www.facebook.com/AmadeusLyceumFan", "https://x.com/juf_annemiek"]
             .map((u) => DenknaSettings.accountType(u, ["facebook.com/AmadeusLyceum"]))"""
    )
    assert kinds == ["official", "private", "private"]


def test_content_script_cannot_read_the_token(page: Any, pages: PageServer) -> None:
    """Evaluated inside the content script's own (isolated) world through the DevTools
    protocol: chrome.storage.local is closed to it, and the worker hands it no token."""
    open_composer(page, pages.listed("textarea.html"))
    cdp = page.context.new_cdp_session(page)
    contexts: list[dict[str, Any]] = []
    cdp.on("Runtime.executionContextCreated", lambda e: contexts.append(e["context"]))
    cdp.send("Runtime.enable")
    isolated = [c for c in contexts if c.get("auxData", {}).get("type") == "isolated"
                and c.get("origin", "").startswith("chrome-extension://")]
    assert isolated, contexts
    probe = """(async () => {
        let storage;
        try { storage = JSON.stringify(await chrome.storage.local.get(null)); }
        catch (e) { storage = 'refused'; }
        const hello = await chrome.runtime.sendMessage({type: 'hello'});
        return JSON.stringify({storage, hello: Object.keys(hello)});
    })()"""
    res = cdp.send("Runtime.evaluate", {"expression": probe, "contextId": isolated[0]["id"],
                                        "awaitPromise": True, "returnByValue": True})
    out = res["result"]["value"]
    assert '"storage":"refused"' in out
    assert "token" not in out and "serverUrl" not in out
    cdp.detach()


def test_english_when_the_school_picks_english(
    ext: Browser, denkna_server: DenknaServer, pages: PageServer
) -> None:
    ext.configure(**school_settings(denkna_server, language="en"))
    p = ext.context.new_page()
    try:
        open_composer(p, pages.listed("textarea.html"))
        type_and_time_panel(p, BULLYING)
        panel = p.locator(PANEL)
        assert panel.locator(".title").inner_text() == "Think before you post"
        assert panel.locator('.finding[data-category="bullying"] .cat').inner_text() == "Bullying"
        assert p.locator(BADGE).inner_text() == "take care"
    finally:
        p.close()
        ext.configure(**school_settings(denkna_server))


def test_block_policy_on_official_account_has_no_post_anyway(
    ext: Browser, denkna_server: DenknaServer, pages: PageServer
) -> None:
    ext.configure(**school_settings(denkna_server, officialAccounts=["127.0.0.1/textarea.html"],
                                    policyOfficial="block"))
    p = ext.context.new_page()
    try:
        open_composer(p, pages.listed("textarea.html"))
        type_and_time_panel(p, BULLYING)
        p.click("#post")
        dialog = p.locator(DIALOG)
        dialog.wait_for(timeout=5000)
        assert dialog.locator('[data-action="post"]').count() == 0
        dialog.locator('[data-action="edit"]').click()
        assert posted(p) == []
    finally:
        p.close()
        ext.configure(**school_settings(denkna_server))


def test_outcomes_are_counted_and_no_draft_text_is_kept(
    page: Any, pages: PageServer, denkna_server: DenknaServer
) -> None:
    before = denkna_server.nudges()
    draft = f"{BULLYING}. {MARKER}"
    field = open_composer(page, pages.listed("textarea.html"))

    # changed: the warned text is rewritten until the finding is gone
    type_and_time_panel(page, draft)
    clear(page, field)
    page.keyboard.type(f"{HARMLESS} {MARKER}", delay=5)
    wait_status(page, "ok")
    # cancelled: "Aanpassen" in the dialog
    clear(page, field)
    type_and_time_panel(page, draft)
    page.click("#post")
    page.locator(DIALOG).locator('[data-action="edit"]').click()
    # posted anyway
    page.click("#post")
    page.locator(DIALOG).locator('[data-action="post"]').click()
    page.wait_for_function("() => window.posted.length === 1")

    for event in ("shown", "changed", "cancelled", "posted_anyway"):
        key = ("bullying", event)
        want = before.get(key, 0) + 1
        got = wait_nudge(denkna_server, key, want)
        print(f"\nnudge counter bullying/{event}: {before.get(key, 0)} -> {got}")
        assert got >= want

    # nothing of the drafts on disk or in the log
    denkna_server.log_file.flush()
    log = denkna_server.log_path.read_bytes()
    assert MARKER.encode() not in log
    assert b"mongool" not in log
    for path in denkna_server.var_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert MARKER.encode() not in data, f"draft text found in {path}"
            assert MARKER.encode("utf-16-le") not in data, f"draft text found in {path}"


def test_nothing_is_sent_from_a_site_not_on_the_list(
    page: Any, pages: PageServer, denkna_server: DenknaServer
) -> None:
    checks = denkna_server.request_count("/api/v1/check")
    outcomes = denkna_server.request_count("/api/v1/check/outcome")
    page.goto(pages.unlisted("textarea.html"))
    page.click("#composer")
    page.keyboard.type(BULLYING, delay=10)
    page.click("#post")
    time.sleep(1.5)  # longer than the debounce plus a check on a listed site
    assert page.locator("denkna-ui").count() == 0
    assert posted(page) == [BULLYING]
    assert denkna_server.request_count("/api/v1/check") == checks
    assert denkna_server.request_count("/api/v1/check/outcome") == outcomes
    # and the same page on the listed host does reach the server
    page.goto(pages.listed("textarea.html"))
    page.click("#composer")
    type_and_time_panel(page, BULLYING)
    assert denkna_server.request_count("/api/v1/check") > checks


def test_options_page_saves_settings_in_dutch(
    ext: Browser, denkna_server: DenknaServer, artifacts: Path
) -> None:
    p = ext.context.new_page()
    try:
        p.goto(f"chrome-extension://{ext.extension_id}/options/options.html")
        p.locator("#serverUrl").wait_for()
        p.wait_for_function("() => document.querySelector('label[for=token]').textContent !== ''")
        assert p.locator("label[for=token]").inner_text() == "Medewerkerstoken"
        assert p.locator("#serverUrl").input_value() == denkna_server.base_url
        p.fill("#serverUrl", "geen adres")
        p.click("#save")
        assert "geldig adres" in p.locator("#status").inner_text()
        p.fill("#serverUrl", denkna_server.base_url + "/")
        p.fill("#sites", "facebook.com\n127.0.0.1\nsocialschools.*")
        p.select_option("#policyPrivate", "block")
        p.click("#save")
        p.wait_for_function("() => document.querySelector('#status').textContent === 'Opgeslagen.'")
        stored = ext.worker.evaluate("() => chrome.storage.local.get('settings')")["settings"]
        assert stored["serverUrl"] == denkna_server.base_url
        assert stored["sites"] == ["facebook.com", "127.0.0.1", "socialschools.*"]
        assert stored["policyPrivate"] == "block"
        regs = ext.worker.evaluate("() => chrome.scripting.getRegisteredContentScripts()")
        assert "*://*.socialschools.nl/*" in regs[0]["matches"]
        p.click("#test")
        p.wait_for_function(
            "() => document.querySelector('#status').textContent.includes('bereikbaar')"
        )
        assert p.locator("#status").inner_text() == "De server is bereikbaar."
        p.screenshot(path=str(artifacts / "options-nl.png"), full_page=True)
    finally:
        p.close()
        ext.configure(**school_settings(denkna_server))


def test_slow_then_stopped_server_gives_quiet_offline_status_and_posting_works(
    ext: Browser, page: Any, pages: PageServer, denkna_server: DenknaServer
) -> None:
    # a server that accepts the connection and never answers: the ~3 s timeout applies
    with socket.socket() as hang:
        hang.bind(("127.0.0.1", 0))
        hang.listen(8)
        ext.configure(**school_settings(denkna_server,
                                        serverUrl=f"http://127.0.0.1:{hang.getsockname()[1]}"))
        field = open_composer(page, pages.listed("textarea.html"))
        page.keyboard.type(BULLYING, delay=5)
        t0 = time.monotonic()
        wait_status(page, "offline", timeout=8)
        waited = time.monotonic() - t0
        print(f"\nslow server: offline status after {waited:.2f} s")
        assert 2.5 <= waited < 5.0
    # the real server, stopped
    ext.configure(**school_settings(denkna_server))
    denkna_server.stop()
    assert not denkna_server.running
    page.reload()
    field = open_composer(page, pages.listed("textarea.html"))
    page.keyboard.type(BULLYING, delay=5)
    wait_status(page, "offline")
    badge = page.locator(BADGE)
    assert badge.get_attribute("aria-label") == "Denkna offline"
    assert page.locator(PANEL).count() == 0
    page.click("#post")
    page.wait_for_function("() => window.posted.length === 1")
    assert posted(page) == [BULLYING]
    assert page.locator(DIALOG).count() == 0
    assert field
