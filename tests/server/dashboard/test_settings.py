"""The settings pages over HTTP: who may change what, the checks in plain Dutch, and that a
saved setting is what the next case, check or message uses."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sqlalchemy import select

from server import admin_ops, keys
from server.escalation.mail import MAIL_SETTING
from server.escalation.service import ESCALATION, STEPS_SETTING
from server.storage.escalation_models import Case, OutboxMessage
from server.storage.models import ApiToken, SchoolSetting, User
from tests.server.dashboard.test_dashboard import csrf_of, login
from tests.server.escalation.factory import MailSink, free_port


async def form_page(client: Any, path: str) -> tuple[str, str]:
    r = await client.get(path)
    assert r.status == 200, path
    html = await r.text()
    return html, csrf_of(html)


def step_fields(html: str) -> dict[str, str]:
    """Every field of the steps form as the browser would post it."""
    fields: dict[str, str] = {}
    for m in re.finditer(r'<input (?:type="hidden" )?name="([^"]+)" value="([^"]*)"', html):
        fields[m.group(1)] = m.group(2)
    for m in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        sel = re.search(r'<option value="([^"]*)" selected', m.group(2))
        fields[m.group(1)] = sel.group(1) if sel else ""
    for m in re.finditer(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields[m.group(1)] = m.group(2)
    return {k: v.replace("&#39;", "'").replace("&amp;", "&") for k, v in fields.items()}


async def test_steps_form_checks_in_dutch_and_the_next_case_follows_it(env, db) -> None:
    client, w, _, _ = env
    await login(client, w.emails["leadership1"])
    html, token = await form_page(client, "/dashboard/settings/steps")
    assert "Alle medewerkers stoppen met reageren" in html and "yaml" not in html.lower()
    fields = step_fields(html)
    bad = {**fields, "csrf": token, "action": "save", "s0_amount": "nul"}
    r = await client.post("/dashboard/settings/steps", data=bad)
    assert r.status == 422
    assert "Stap 1 &#39;Alle medewerkers stoppen met reageren&#39;: de termijn moet een getal " \
           "groter dan nul zijn" in await r.text()
    # remove step 2 (the conversation): what led there now goes where it went
    r = await client.post("/dashboard/settings/steps",
                          data={**fields, "csrf": token, "action": "remove:1"})
    text = await r.text()
    assert r.status == 200 and "Stap &#39;Gesprek met de plaatser&#39; is verwijderd" in text
    # the step that led to the conversation now leads to the posters' branches directly
    assert step_fields(text)["s0_o0_next"] == "reactie_medewerker"
    good = {**fields, "csrf": token, "action": "save", "s0_title": "Iedereen stopt met reageren",
            "s0_amount": "2", "s0_unit": "uur"}
    r = await client.post("/dashboard/settings/steps", data=good)
    assert r.status == 200 and "Het stappenplan is opgeslagen" in await r.text()
    service = client.server.app[ESCALATION]
    async with db.session() as s:
        assert isinstance(await s.scalar(select(SchoolSetting.value).where(
            SchoolSetting.key == STEPS_SETTING)), str)
        plan = await service.plan_for(s, w.school_ids[0])
    first = plan.step(plan.start)
    assert (first.title, first.deadline_hours) == ("Iedereen stopt met reageren", 2.0)
    # the next case starts on the edited step with its deadline
    from tests.server.escalation.factory import add_comments, derailing_items, make_thread

    tid = await make_thread(db, w, 0, "post-nieuw")
    await add_comments(db, w, tid, derailing_items("n"))
    (case_id,) = await service.evaluate_threads([tid])
    async with db.session() as s:
        case = await s.get(Case, case_id)
    assert case.current_step == plan.start
    assert (case.step_due_at - case.step_started_at).total_seconds() == 2 * 3600


async def test_removing_a_step_an_open_case_stands_on_is_refused(env) -> None:
    client, w, _, _ = env
    await login(client, w.emails["leadership1"])
    html, token = await form_page(client, "/dashboard/settings/steps")
    after = await (await client.post("/dashboard/settings/steps", data={
        **step_fields(html), "csrf": token, "action": "remove:0"})).text()
    r = await client.post("/dashboard/settings/steps", data={
        **step_fields(after), "csrf": token, "action": "save"})
    text = await r.text()
    assert r.status == 422 and re.search(r"Zaak #\d+ staat nog op de stap", text)


async def test_levels_are_plain_and_change_the_next_check(env, db) -> None:
    client, w, _, _ = env
    await login(client, w.emails["leadership1"])
    html, token = await form_page(client, "/dashboard/settings/levels")
    assert "streng" in html and "Idioot ding, die beamer" in html
    assert not re.search(r"0[.,]\d", html)  # no raw threshold anywhere
    r = await client.post("/dashboard/settings/levels", data={
        "csrf": token, "level_bullying": "streng", "level_discrimination": "normaal",
        "level_personal_data": "normaal", "level_profanity": "soepel",
        "level_protocol": "normaal", "case_level": "laat"})
    assert r.status == 200 and "De gevoeligheid is opgeslagen" in await r.text()
    async with db.session() as s:
        values = await admin_ops.get_thresholds(s, w.school_ids[0])
        detector = await client.server.app[ESCALATION].thresholds_for(s, w.school_ids[0])
    assert values["bullying"] == 0.35 and values["profanity"] == 0.8
    assert detector.min_flagged == 5
    bad = await client.post("/dashboard/settings/levels", data={"csrf": token,
                                                                "level_bullying": "extreem"})
    assert bad.status == 422


async def test_board_reads_settings_but_changes_nothing(env) -> None:
    client, _w, _, _ = env
    await login(client, "bestuur@stichting.nl")
    html, token = await form_page(client, "/dashboard/settings/levels")
    assert "U kunt deze instellingen bekijken" in html
    r = await client.post("/dashboard/settings/levels",
                          data={"csrf": token, "level_bullying": "streng"})
    assert r.status == 403
    assert (await client.get("/dashboard/settings/users")).status == 403


async def test_users_and_tokens(env, db) -> None:
    client, w, _, _ = env
    await login(client, w.emails["leadership1"])
    html, token = await form_page(client, "/dashboard/settings/users")
    assert "Directeur Mirjam 2" not in html  # another school's people stay hidden
    r = await client.post("/dashboard/settings/users/create", data={
        "csrf": token, "name": "Meester Bas", "email": "bas@school1.nl", "role": "staff"})
    assert r.status == 200 and "De gebruiker is toegevoegd" in await r.text()
    refused = await client.post("/dashboard/settings/users/create", data={
        "csrf": token, "name": "Baas", "email": "baas@school1.nl", "role": "admin"})
    assert refused.status == 422
    async with db.session() as s:
        bas = await s.scalar(select(User).where(User.email == "bas@school1.nl"))
    r = await client.post("/dashboard/settings/users/token", data={"csrf": token,
                                                                   "user": str(bas.id)})
    text = await r.text()
    plaintext = re.search(r"<code>(dk_[^<]+)</code>", text).group(1)
    async with db.session() as s:
        row = await s.scalar(select(ApiToken).where(ApiToken.user_id == bas.id))
    # only the hash is kept, and it is the hash of what was shown
    assert row.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    r = await client.post("/dashboard/settings/users/revoke-token",
                          data={"csrf": token, "token": str(row.id)})
    assert "Het token is ingetrokken" in await r.text()
    # a password for a colleague of the school's leadership, shown once
    lead2 = w.users["leadership1"]
    r = await client.post("/dashboard/settings/users/password", data={"csrf": token,
                                                                      "user": str(lead2)})
    assert "Nieuw wachtwoord voor" in await r.text()
    # another school's user: refused
    other = await client.post("/dashboard/settings/users/deactivate",
                              data={"csrf": token, "user": str(w.users["staff2"])})
    assert other.status == 403
    r = await client.post("/dashboard/settings/users/deactivate",
                          data={"csrf": token, "user": str(bas.id)})
    assert "gedeactiveerd" in await r.text()


async def test_alert_destinations_and_a_test_message(env, db) -> None:
    client, w, _, _ = env
    await login(client, w.emails["leadership1"])
    html, token = await form_page(client, "/dashboard/settings/alerts")
    assert "leadership1@school1.nl" in html  # the fallback is shown
    bad = await client.post("/dashboard/settings/alerts/add", data={
        "csrf": token, "audience": "leadership", "channel": "teams", "address": "http://x"})
    assert bad.status == 422 and "begint met https://" in await bad.text()
    r = await client.post("/dashboard/settings/alerts/add", data={
        "csrf": token, "audience": "leadership", "channel": "email",
        "address": "directie@linde.nl"})
    assert "De bestemming is toegevoegd" in await r.text()
    with MailSink() as sink:
        async with db.session() as s:
            s.add(SchoolSetting(school_id=w.school_ids[0], key=MAIL_SETTING, value={
                "host": "127.0.0.1", "port": sink.port, "sender": "denkna@linde.nl",
                "security": "none"}))
        r = await client.post("/dashboard/settings/alerts/test", data={
            "csrf": token, "audience": "leadership", "channel": "email",
            "address": "directie@linde.nl"})
        assert "Testbericht verstuurd naar directie@linde.nl" in await r.text()
    (mail,) = sink.messages
    assert mail["To"] == "directie@linde.nl" and "Testbericht" in mail["Subject"]
    # with the mail server gone the test says why, in Dutch
    r = await client.post("/dashboard/settings/alerts/test", data={
        "csrf": token, "audience": "leadership", "channel": "email",
        "address": "directie@linde.nl"})
    assert "weigert de verbinding" in await r.text()


async def test_mail_server_form(env, db) -> None:
    client, w, _, _ = env
    await login(client, w.emails["leadership1"])
    _html, token = await form_page(client, "/dashboard/settings/mail")
    base = {"csrf": token, "host": "127.0.0.1", "security": "none", "username": "denkna",
            "sender": "denkna@linde.nl", "test_to": "x@linde.nl", "password": "Geheim-123!"}
    bad = await client.post("/dashboard/settings/mail", data={**base, "port": "zeven",
                                                              "action": "save"})
    assert bad.status == 422 and "De poort is een getal" in await bad.text()
    port = free_port()
    r = await client.post("/dashboard/settings/mail", data={**base, "port": str(port),
                                                            "action": "check"})
    assert f"De mailserver 127.0.0.1 (poort {port}) weigert de verbinding" in await r.text()
    r = await client.post("/dashboard/settings/mail", data={**base, "port": str(port),
                                                            "action": "save"})
    assert "De mailserver is opgeslagen" in await r.text()
    async with db.session() as s:
        stored = await s.scalar(select(SchoolSetting.value).where(
            SchoolSetting.key == MAIL_SETTING))
        smtp = await client.server.app[ESCALATION].smtp_for(s, w.school_ids[0])
    assert "Geheim-123!" not in str(stored) and smtp.password == "Geheim-123!"


async def test_failing_delivery_shows_a_warning_on_every_page(env, db) -> None:
    client, w, (case_a, _), _ = env
    service = client.server.app[ESCALATION]
    await service.outbox.deliver_due()  # the default mail server is not there
    await login(client, w.emails["leadership1"])
    for path in ("/dashboard/", f"/dashboard/cases/{case_a}", "/dashboard/accounts",
                 "/dashboard/settings/steps"):
        text = await (await client.get(path)).text()
        assert "Meldingen komen niet aan:" in text and "weigert de verbinding" in text, path
    async with db.session() as s:
        waiting = (await s.scalars(select(OutboxMessage).where(
            OutboxMessage.status == "pending"))).all()
    assert waiting and all(m.last_error for m in waiting)
    assert 'denkna_outbox_messages{state="retrying"}' in "\n".join(
        service.outbox.stats.metric_lines())
    assert keys.DB in client.server.app
