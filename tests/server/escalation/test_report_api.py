"""POST /api/v1/cases/report (a staff member reports a thread) and the admin password API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from server import keys
from server.storage.escalation_models import Case, CaseEvent, OutboxMessage
from server.storage.models import Thread, User


async def _thread(app: Any, school_id: int, account_id: int) -> int:
    async with app[keys.DB].session() as s:
        t = Thread(school_id=school_id, account_id=account_id, external_post_id="p-1",
                   title="Sportdag")
        s.add(t)
        await s.flush()
        return t.id


async def test_staff_reports_a_thread_once_and_the_rules_hold(seeded) -> None:
    client, seed = seeded
    app = client.server.app
    school = seed.schools[0]
    tid = await _thread(app, school.id, school.account_id)
    staff = seed.headers(school.tokens["staff"])
    r = await client.post("/api/v1/cases/report", json={"thread_id": tid,
                                                       "note": "Het loopt uit de hand."},
                          headers=staff)
    assert r.status == 201
    case_id = (await r.json())["case_id"]
    again = await client.post("/api/v1/cases/report", json={"thread_id": tid}, headers=staff)
    assert again.status == 200 and (await again.json()) == {"case_id": case_id,
                                                             "created": False}
    async with app[keys.DB].session() as s:
        case = await s.get(Case, case_id)
        assert case.source == "report" and case.opened_by_user_id == school.user_ids["staff"]
        ev = (await s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))).one()
        assert "Het loopt uit de hand." in ev.detail and "staff 1" in ev.actor_label
        mails = (await s.scalars(select(OutboxMessage.destination))).all()
    assert mails == ["leadership1@example.nl"]  # leadership of that school only
    # the rules (same app: starting one costs seconds)
    a, b = seed.schools
    tid_b = await _thread(app, b.id, b.account_id)
    staff_a = seed.headers(a.tokens["staff"])
    other = await client.post("/api/v1/cases/report", json={"thread_id": tid_b},
                              headers=staff_a)
    assert other.status == 404 and (await other.json())["error"]["code"] == "not_found"
    bad = await client.post("/api/v1/cases/report", json={"note": 5}, headers=staff_a)
    assert bad.status == 400 and "note" in (await bad.json())["error"]["message"]
    missing = await client.post("/api/v1/cases/report", json={}, headers=staff_a)
    assert missing.status == 400
    connector = await client.post("/api/v1/cases/report", json={"thread_id": tid_b},
                                  headers=seed.headers(a.tokens["connector"]))
    assert connector.status == 403
    anon = await client.post("/api/v1/cases/report", json={"thread_id": tid_b})
    assert anon.status == 401


async def test_admin_sets_a_dashboard_password(seeded) -> None:
    client, seed = seeded
    uid = seed.schools[0].user_ids["leadership"]
    url = f"/api/v1/admin/users/{uid}/password"
    weak = await client.put(url, json={"password": "kort"}, headers=seed.headers(seed.admin_token))
    assert weak.status == 400
    lead = await client.put(url, json={"password": "een-lang-wachtwoord"},
                            headers=seed.headers(seed.schools[0].tokens["leadership"]))
    assert lead.status == 403
    ok = await client.put(url, json={"password": "een-lang-wachtwoord"},
                          headers=seed.headers(seed.admin_token))
    assert ok.status == 200
    async with client.server.app[keys.DB].session() as s:
        user = await s.get(User, uid)
        assert user.password_hash and user.password_hash.startswith("$argon2")
    spec = await (await client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/cases/report" in spec["paths"]
    # where alerts go: validated, stored per school, used by the outbox
    school = seed.schools[0]
    lead = seed.headers(school.tokens["leadership"])
    url = f"/api/v1/admin/schools/{school.id}/alerts"
    bad = await client.put(url, json={"leadership": {"teams": ["http://intern"]}}, headers=lead)
    assert bad.status == 400 and "https://" in (await bad.json())["error"]["message"]
    bad = await client.put(url, json={"ouders": {}}, headers=lead)
    assert bad.status == 400 and "doelgroep" in (await bad.json())["error"]["message"]
    other = await client.put(f"/api/v1/admin/schools/{seed.schools[1].id}/alerts",
                             json={}, headers=lead)
    assert other.status == 404
    teams = ("https://prod-01.westeurope.logic.azure.com:443/workflows/abc123/triggers/"
             "manual/paths/invoke?api-version=2016-06-01&sv=1.0&sig=xyz")
    conf = {"leadership": {"email": ["directie@school.nl"], "teams": [teams]},
            "staff": {"slack": ["https://hooks.slack.com/services/T0000/B0000/XXXXXXXX"]}}
    ok = await client.put(url, json=conf, headers=lead)
    assert ok.status == 200
    from server.escalation.cases import alert_destinations

    async with client.server.app[keys.DB].session() as s:
        lead_dest = await alert_destinations(s, school.id, audience="leadership")
        staff_dest = await alert_destinations(s, school.id, audience="staff")
    assert [(d.channel, d.address) for d in lead_dest] == [
        ("email", "directie@school.nl"), ("teams", teams)]
    # staff: the Slack channel plus (no e-mail configured) the staff users' addresses
    assert [d.channel for d in staff_dest] == ["slack", "email"]
    # odd ids get a 4xx, never a 5xx
    staff = seed.headers(seed.schools[0].tokens["staff"])
    for body in ({"thread_id": True}, {"thread_id": 2**63}, {"comment_id": -1},
                 {"thread_id": "1"}, [1], "x"):
        r = await client.post("/api/v1/cases/report", json=body, headers=staff)
        assert r.status == 400, (body, r.status)
    admin = seed.headers(seed.admin_token)
    r = await client.put(f"/api/v1/admin/users/{2**40}/password",
                         json={"password": "x" * 12}, headers=admin)
    assert r.status in (400, 404)
    r = await client.post("/api/v1/cases/report", data=b"{nope", headers=staff)
    assert r.status == 400
    # a school's own stappenplan: validated (422 names the step), then used for new cases
    steps_url = f"/api/v1/admin/schools/{school.id}/steps"
    broken = "start: a\nfinal: z\nsteps:\n  - {id: a, title: A, role: leadership, " \
             "deadline_hours: 2, outcomes: [{id: x, label: X, next: q}]}\n"
    r = await client.put(steps_url, data=broken, headers=lead)
    body = await r.json()
    assert r.status == 422 and any("stap 'a'" in p for p in body["error"]["details"]["problems"])
    own = ("name: Kort plan\nstart: melden\nfinal: klaar\nsteps:\n"
           "  - {id: melden, title: Melden, role: leadership, deadline_hours: 8,\n"
           "     outcomes: [{id: ok, label: Besproken, next: klaar}]}\n"
           "  - {id: klaar, title: Vastgelegd, role: leadership, deadline_hours: 24,\n"
           "     outcomes: [{id: af, label: Afgerond}]}\n")
    r = await client.put(steps_url, data=own, headers=lead)
    assert r.status == 200 and (await r.json())["plan"] == "Kort plan"
    app = client.server.app
    tid = await _thread(app, school.id, school.account_id)
    r = await client.post("/api/v1/cases/report", json={"thread_id": tid},
                          headers=seed.headers(school.tokens["staff"]))
    async with app[keys.DB].session() as s:
        case = await s.get(Case, (await r.json())["case_id"])
        assert (case.plan_name, case.current_step) == ("Kort plan", "melden")
    # the default plan would strand that open case: refused
    r = await client.put(steps_url, data="", headers=lead)
    assert r.status == 409 and (await r.json())["error"]["code"] == "open_cases_on_old_steps"
