"""The consent list: imported from the usual CSV exports, kept per school and replaced on
each import, refused as a whole with a Dutch message (the previous list stays), seen only by
admin and leadership, never in an answer to the extension; and what it does to a check."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import select

from server import keys
from server.school import consent_csv, consent_store
from server.storage.db import Database
from server.storage.models import School
from server.storage.school_models import ConsentPupil
from tests.server.school.conftest import Klimop

SANNE = "Gefeliciteerd Sanne de Vries (groep 7, Lindenlaan 12 Utrecht, 06-12345678)!"
LIST = "Naam;Klas;Toestemming media\nSanne de Vries;groep 7;{sanne}\nDaan Jansen;groep 7;ja\n"


def spans_text(text: str, out: dict) -> list[str]:
    return [text[s["start"]:s["end"]] for f in out["flags"] for s in f["spans"]]


# --- reading the file ----------------------------------------------------------------------

def test_usual_export_shapes() -> None:
    semicolon = "Klas;Leerling;Toestemming\n7B;Sanne de Vries;Ja\n7B;Vries, Daan de;nee\n"
    assert [(p.name, p.class_name, p.consent) for p in consent_csv.parse(semicolon.encode())] \
        == [("Sanne de Vries", "7B", True), ("Daan de Vries", "7B", False)]
    comma_cp1252 = ("Toestemming beeldmateriaal,Roepnaam,Tussenvoegsel,Achternaam,Groep\r\n"
                    "J,Zoë,,Öztürk,groep 5\r\nN,Noëlle,van der,Berg,groep 6\r\n,Bram,,Kok,5\r\n")
    pupils = consent_csv.parse(comma_cp1252.encode("cp1252"))
    assert [(p.name, p.consent) for p in pupils] == [
        ("Zoë Öztürk", True), ("Noëlle van der Berg", False), ("Bram Kok", False)]
    bom = "\ufeffNaam;Groep;Toestemming\nEmma Visser;3;ja\n".encode()
    assert consent_csv.parse(bom)[0].name == "Emma Visser"


@pytest.mark.parametrize(("data", "expected"), [
    (b"", "Het bestand is leeg"),
    (b"  \r\n\r\n", "Het bestand is leeg"),
    (b"Naam\tKlas\tToestemming\nSanne de Vries\t7\tja\n", "gescheiden door tabs"),
    (b"Naam;Toestemming\nSanne de Vries;ja\n", "ontbreekt: klas (of groep)"),
    (b"Naam;Klas;Toestemming\nSanne de Vries;7;ja\nEmma Visser;7;nee\nsanne de vries;8;ja\n",
     "Regel 4: sanne de vries staat al in de lijst (regel 2)"),
    (b"Naam;Klas;Toestemming\nSanne de Vries;7;misschien\n", "Regel 2: 'misschien'"),
    (b"Naam;Klas;Toestemming\n", "alleen kolomnamen"),
    (os.urandom(5 * 1024 * 1024), "geen CSV-bestand"),
])
def test_bad_files_get_a_dutch_error(data: bytes, expected: str) -> None:
    with pytest.raises(consent_csv.ConsentFileError) as err:
        consent_csv.parse(data)
    assert expected in err.value.message


# --- stored per school, replaced on each import (SQLite and PostgreSQL) ----------------------

async def test_replace_keeps_one_list_per_school(database: Database) -> None:
    async with database.session() as s:
        a, b = School(name="A", slug="a"), School(name="B", slug="b")
        s.add_all([a, b])
        await s.flush()
        await consent_store.replace(s, a.id, consent_csv.parse(LIST.format(sanne="nee").encode()))
        await consent_store.replace(s, b.id, consent_csv.parse(b"Naam;Klas;Toestemming\n"
                                                               b"Eva Smit;1;ja\n"))
    async with database.session() as s:
        await consent_store.replace(s, a.id, consent_csv.parse(
            b"Naam;Klas;Toestemming\nSanne de Vries;groep 7;ja\n"))
    async with database.session() as s:
        rows = (await s.scalars(select(ConsentPupil).order_by(ConsentPupil.id))).all()
        assert [(r.school_id, r.name, r.consent) for r in rows] == [
            (b.id, "Eva Smit", True), (a.id, "Sanne de Vries", True)]
        listed = await consent_store.consent_list(s, a.id)
    assert listed.relevant(SANNE) == (("Sanne de Vries", True),)


# --- through the dashboard and a check -------------------------------------------------------

async def upload(k: Klimop, data: bytes, name: str = "toestemming.csv") -> tuple[int, str]:
    _, token = await k.form("/dashboard/settings/consent")
    from aiohttp import FormData

    form = FormData()
    form.add_field("csrf", token)
    form.add_field("action", "import")
    form.add_field("file", data, filename=name, content_type="text/csv")
    r = await k.client.post("/dashboard/settings/consent/import", data=form)
    return r.status, await r.text()


async def test_sanne_is_marked_without_consent_and_not_with(klimop: Klimop) -> None:
    before = await klimop.check(SANNE)
    assert "Sanne de Vries" in spans_text(SANNE, before)  # full name + class/address/phone
    await klimop.login("leadership")
    status, html = await upload(klimop, LIST.format(sanne="nee").encode())
    assert status == 200 and "De lijst is ingelezen: 2 leerlingen" in html
    without = await klimop.check(SANNE)
    pd = next(f for f in without["flags"] if f["category"] == "personal_data")
    assert "Sanne de Vries" in spans_text(SANNE, without)
    assert "toestemmingslijst" in pd["reason"] and pd["raised_by"] == "rule:consent_list"
    # a name of the list without consent, no class or address: still its own flag
    bare = await klimop.check("Sanne de Vries heeft de tekenwedstrijd gewonnen!")
    assert "toestemmingslijst" in bare["flags"][0]["reason"]
    assert "Daan" not in json.dumps(without) and "Jansen" not in json.dumps(without)

    status, html = await upload(klimop, LIST.format(sanne="ja").encode())
    assert status == 200
    with_consent = await klimop.check(SANNE)
    marked = spans_text(SANNE, with_consent)
    assert "Sanne de Vries" not in marked and "06-12345678" in marked  # phone still marked
    assert not any("toestemmingslijst" in f["reason"] for f in with_consent["flags"])
    assert (await klimop.check("Sanne de Vries heeft de tekenwedstrijd gewonnen!"))["flags"] \
        == []
    # the other school has no list: its check of the same text marks the name
    other = await klimop.check(SANNE, token=klimop.other_staff_token)
    assert "Sanne de Vries" in spans_text(SANNE, other)


@pytest.mark.parametrize("bad", [
    b"",
    b"Naam\tKlas\tToestemming\nEva Smit\t7\tja\n",
    b"Naam;Toestemming\nEva Smit;ja\n",
    b"Naam;Klas;Toestemming\nEva Smit;7;ja\nEva Smit;7;nee\n",
])
async def test_a_bad_file_keeps_the_previous_list(klimop: Klimop, bad: bytes) -> None:
    await klimop.login("leadership")
    assert (await upload(klimop, LIST.format(sanne="nee").encode()))[0] == 200
    status, html = await upload(klimop, bad)
    assert status == 422 and "De vorige lijst blijft gewoon in gebruik" in html
    async with klimop.app[keys.DB].session() as s:
        names = sorted(p.name for p in await consent_store.pupils(s, klimop.school_id))
    assert names == ["Daan Jansen", "Sanne de Vries"]
    assert "Sanne de Vries" in spans_text(SANNE, await klimop.check(SANNE))


async def test_five_megabytes_of_binary(klimop: Klimop) -> None:
    await klimop.login("leadership")
    assert (await upload(klimop, LIST.format(sanne="nee").encode()))[0] == 200
    status, html = await upload(klimop, os.urandom(5 * 1024 * 1024), "foto.jpg")
    assert status == 422 and "geen CSV-bestand" in html
    status, html = await upload(klimop, b"\x00" * (11 * 1024 * 1024))  # over the limit
    assert status == 200 and "veel groter dan een toestemmingslijst" in html
    async with klimop.app[keys.DB].session() as s:
        assert await consent_store.count(s, klimop.school_id) == 2


async def test_only_admin_and_leadership_see_the_list(klimop: Klimop) -> None:
    await klimop.login("leadership")
    assert (await upload(klimop, LIST.format(sanne="nee").encode()))[0] == 200
    html, _ = await klimop.form("/dashboard/settings/consent")
    assert "Sanne de Vries" in html
    await klimop.logout()
    await klimop.login("board")
    r = await klimop.client.get("/dashboard/settings/consent")
    assert r.status == 403 and "Sanne" not in await r.text()
    settings = await klimop.client.get("/dashboard/settings/levels")
    assert "/dashboard/settings/consent" not in await settings.text()  # no tab either
    await klimop.logout()
    await klimop.login("leadership2")  # the other school's leadership: its own (empty) list
    html, _ = await klimop.form("/dashboard/settings/consent")
    assert "Sanne" not in html
    await klimop.logout()
    await klimop.login("admin")
    html, _ = await klimop.form(f"/dashboard/settings/consent?school={klimop.school_id}")
    assert "Sanne de Vries" in html
