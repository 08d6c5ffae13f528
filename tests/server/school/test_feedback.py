""""Klopt niet": the API counts a mark per school, category, subtype and what raised the
warning (never text); the answer of /check says per flag what raised it; leadership sees the
share of shown warnings marked wrong next to the nudge outcomes, with a softer level suggested
where it is high; an admin applies that suggestion with one click."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server import admin_ops, keys
from server.school import feedback
from server.storage.school_models import FalseAlarm
from tests.server.school.conftest import Klimop

INSULT = "Jij bent echt een vieze kankerhoer"


def test_raised_by_reads_what_raised_a_flag() -> None:
    from classifiers.personal_data.consent import REASON_NL

    assert feedback.raised_by({"category": "bullying", "reason": "Hier wordt iemand "
                               "uitgescholden"}) == "rule:abuse"
    assert feedback.raised_by({"category": "personal_data", "reason": REASON_NL}) \
        == "rule:consent_list"
    assert feedback.raised_by({"category": "bullying", "reason": "Het model herkent deze "
                               "tekst als pesten. Lees..."}) == "model:fasttext"
    assert feedback.raised_by({"category": "bullying", "subtype": "insult", "reason":
                               '"Jij weer" kleineert of beledigt iemand, ook zonder '
                               "scheldwoord. Het protocol vraagt respectvol met elkaar om te "
                               "gaan."}) == "model:encoder"
    assert feedback.raised_by({"category": "protocol", "reason": "Je citeert een collega."}) \
        == "rule:staff_protocol"


async def mark(k: Klimop, token: str | None = None, **body: object) -> object:
    r = await k.client.post("/api/v1/check/feedback", headers=k.bearer(token), json={
        "category": "bullying", "subtype": "insult", "raised_by": "rule:abuse", **body})
    return r


async def test_a_mark_is_counted_without_text(klimop: Klimop) -> None:
    out = await klimop.check(INSULT)
    flag = next(f for f in out["flags"] if f["category"] == "bullying")
    assert flag["raised_by"] == "rule:abuse"
    r = await mark(klimop, subtype=flag["subtype"])
    assert r.status == 200 and (await r.json()) == {"recorded": True}
    r = await mark(klimop, subtype=flag["subtype"], reason="friendly")
    assert r.status == 200
    async with klimop.app[keys.DB].session() as s:
        rows = (await s.scalars(select(FalseAlarm))).all()
    assert {(x.school_id, x.category, x.subtype, x.raised_by, x.reason, x.count) for x in rows} \
        == {(klimop.school_id, "bullying", flag["subtype"], "rule:abuse", "", 1),
            (klimop.school_id, "bullying", flag["subtype"], "rule:abuse", "friendly", 1)}


@pytest.mark.parametrize("body", [
    {"raised_by": "wie weet"}, {"subtype": "Jij bent echt een vieze kankerhoer"},
    {"reason": "het was maar een grapje van mij"}, {"text": "Jij bent echt"},
    {"category": "roddel"},
])
async def test_bad_marks_get_a_clear_4xx(klimop: Klimop, body: dict) -> None:
    r = await mark(klimop, **body)
    assert 400 <= r.status < 500
    assert (await r.json())["error"]["message"]


async def test_rates_suggestion_and_the_admins_one_click(klimop: Klimop) -> None:
    counters = klimop.app[keys.COUNTERS]
    for _ in range(10):
        counters.add(klimop.school_id, "bullying", "shown")
        counters.add(klimop.school_id, "profanity", "shown")
    counters.add(klimop.school_id, "bullying", "changed", 3)
    counters.add(klimop.school_id, "bullying", "posted_anyway", 2)
    for _ in range(4):
        assert (await mark(klimop)).status == 200
    assert (await mark(klimop, category="profanity", subtype="swearing")).status == 200
    await counters.flush()

    await klimop.login("leadership")
    html, _ = await klimop.form("/dashboard/settings/warnings")
    row = re.search(r'<tr data-category="bullying".*?</tr>', html, re.S).group(0)
    assert "10 keer" in row and "40%" in row and "Voorstel: <strong>soepel</strong>" in row
    assert "3 keer" in row and "regel (scheldwoorden" in row
    assert "Zet op soepel" not in row  # leadership sees it; the admin applies it
    prof = re.search(r'<tr data-category="profanity".*?</tr>', html, re.S).group(0)
    assert "10%" in prof and "Voorstel" not in prof
    # the other school sees nothing of this
    await klimop.logout()
    await klimop.login("leadership2")
    html, token = await klimop.form("/dashboard/settings/warnings")
    assert "40%" not in html
    r = await klimop.client.post("/dashboard/settings/warnings/apply",
                                 data={"csrf": token, "category": "bullying"})
    assert r.status == 403

    await klimop.logout()
    await klimop.login("admin")
    html, token = await klimop.form(f"/dashboard/settings/warnings?school={klimop.school_id}")
    assert "Zet op soepel" in html
    r = await klimop.client.post("/dashboard/settings/warnings/apply", data={
        "csrf": token, "school": str(klimop.school_id), "category": "bullying"})
    assert r.status == 200 and "Het voorgestelde niveau is ingesteld" in await r.text()
    async with klimop.app[keys.DB].session() as s:
        assert (await admin_ops.get_thresholds(s, klimop.school_id))["bullying"] == 0.8
        assert (await admin_ops.get_thresholds(s, klimop.other_school_id))["bullying"] != 0.8
    # at soepel there is no softer level to suggest
    html, _ = await klimop.form(f"/dashboard/settings/warnings?school={klimop.school_id}")
    row = re.search(r'<tr data-category="bullying".*?</tr>', html, re.S).group(0)
    assert "soepel" in row and "Voorstel" not in row
