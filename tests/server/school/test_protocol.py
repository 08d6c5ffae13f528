"""The school's own protocol: every reason and reference cites the school's articles, never a
file number of the protocols Denkna ships; leadership edits name and articles on a settings
page, with defaults; the next check uses them."""

from __future__ import annotations

import json
import re

from server.school.protocol import SchoolProtocol, rules
from tests.server.school.conftest import Klimop

FILE_NUMBER = re.compile(r"(?<![\d.,:/-])00[0-4](?![\d.,:])|\bseeds?\b", re.I)
INSULT = "Jij bent echt een vieze kankerhoer, ga dood"


def test_rewrite_of_every_citation_form() -> None:
    p = SchoolProtocol.defaults("OBS De Klimop")
    assert p.rewrite("Dat is pesten (protocol 000 A.4).") == (
        "Dat is pesten (Protocol sociale media OBS De Klimop, art. A.4).")
    assert p.rewrite("Persoonsgegeven (002 A.2, art. 4 AVG); toestemming (000 A.1).") == (
        "Persoonsgegeven (Protocol sociale media OBS De Klimop, art. A.2; art. 4 AVG); "
        "toestemming (Protocol sociale media OBS De Klimop, art. A.1).")
    assert p.rewrite("Niet toegestaan (protocol 003 A.1; sexting: 002 A.8).") == (
        "Niet toegestaan (Protocol sociale media OBS De Klimop, art. A.1; sexting: art. A.8).")
    assert p.rewrite("Names (004 team agreements, 000 A.1).", "en") == (
        "Names (Protocol sociale media OBS De Klimop, teamafspraken and art. A.1).")
    assert p.cite_ref("001 C.3") == "Protocol sociale media OBS De Klimop, art. C.3"
    own = SchoolProtocol("Sociaal protocol De Klimop", {**p.articles, "fatsoen": "3.2",
                                                        "taalgebruik": ""})
    assert own.rewrite("(protocol 000 A.4)") == "(Sociaal protocol De Klimop, art. 3.2)"
    assert own.rewrite("(protocol 003 A.1)") == "(Sociaal protocol De Klimop)"


def test_every_citation_in_the_classifiers_messages_is_a_known_rule() -> None:
    """A new citation in a reason must get a rule here, or it would reach users raw."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    texts = [p.read_text("utf-8") for p in [
        *root.glob("classifiers/*/data/*.yaml"), root / "classifiers/encoder/messages.yaml",
        root / "server/api/advice.py"]]
    p = SchoolProtocol.defaults("X")
    for text in texts:
        for line in text.splitlines():
            if line.lstrip().startswith("#"):
                continue
            out = p.rewrite(line)
            if "protocol_ref:" in line:
                value = line.split(":", 1)[1].strip().strip('"')
                if value:
                    out = p.cite_ref(value)
            assert not FILE_NUMBER.search(out), (line, out)
    assert len({r.key for r in rules()}) == len(rules())


async def test_the_check_answer_cites_the_schools_protocol(klimop: Klimop) -> None:
    out = await klimop.check(INSULT, context={"account_type": "private"})
    assert out["flags"]
    raw = json.dumps(out, ensure_ascii=False)
    assert not FILE_NUMBER.search(raw), raw
    bullying = next(f for f in out["flags"] if f["category"] == "bullying")
    assert bullying["protocol_ref"].startswith("Protocol sociale media OBS De Klimop, art. ")
    assert "Protocol sociale media OBS De Klimop, art." in bullying["reason"]


async def test_leadership_sets_name_and_article_and_the_next_check_uses_them(
        klimop: Klimop) -> None:
    await klimop.login("leadership")
    html, token = await klimop.form("/dashboard/settings/protocol")
    assert "Protocol sociale media OBS De Klimop" in html  # the default name
    assert 'value="A.4"' in html and not FILE_NUMBER.search(re.sub(r"<[^>]+>", " ", html))
    fields = dict(re.findall(r'name="(article_[a-z_]+)" value="([^"]*)"', html))
    assert len(fields) == len(rules())
    bad = await klimop.client.post("/dashboard/settings/protocol", data={
        "csrf": token, "action": "save", "name": "", **fields})
    assert bad.status == 422 and "Vul de naam van het protocol in" in await bad.text()
    fields["article_fatsoen"] = "3.2"
    r = await klimop.client.post("/dashboard/settings/protocol", data={
        "csrf": token, "action": "save", "name": "Sociaal-mediaprotocol De Klimop", **fields})
    assert r.status == 200 and "Het protocol is opgeslagen" in await r.text()
    out = await klimop.check(INSULT)
    bullying = next(f for f in out["flags"] if f["category"] == "bullying")
    assert bullying["protocol_ref"] == "Sociaal-mediaprotocol De Klimop, art. 3.2"
    # the other school keeps its own (default) protocol
    other = await klimop.check(INSULT, token=klimop.other_staff_token)
    assert "Protocol sociale media De Regenboog" in json.dumps(other, ensure_ascii=False)


async def test_the_board_cannot_change_the_protocol(klimop: Klimop) -> None:
    await klimop.login("board")
    _, token = await klimop.form("/dashboard/settings/protocol?school="
                                    f"{klimop.school_id}")
    r = await klimop.client.post("/dashboard/settings/protocol", data={
        "csrf": token, "school": str(klimop.school_id), "name": "Van het bestuur"})
    assert r.status == 403
