"""The dossier as a PDF: its text (pdftotext, Debian poppler-utils) has every dossier entry
with time and person, the school and the case number on the page, and page numbers; the
first page is rendered to PNG (tests/artifacts/, copied to docs/screenshots/)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from server.dashboard import viewmodels as vm
from server.storage.escalation_models import CaseEvent
from tests.server.dashboard.test_dashboard import csrf_of, login

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (Debian poppler-utils) is not installed")


def words(text: str) -> str:
    return " ".join(text.split())


async def test_dossier_pdf_has_every_step_with_time_and_person(env, db, tmp_path: Path) -> None:
    client, w, (case_a, _), _ = env
    await login(client, w.emails["leadership1"])
    token = csrf_of(await (await client.get(f"/dashboard/cases/{case_a}")).text())
    for step, outcome in (("stop_reageren", "personeel_gestopt"),
                          ("gesprek", "plaatser_volwassene"), ("reactie_volwassene",
                                                               "rectificeert"),
                          ("klachtenregeling", "gewezen"), ("dossier", "afgesloten")):
        r = await client.post(f"/dashboard/cases/{case_a}/outcome", data={
            "csrf": token, "step": step, "outcome": outcome, "note": f"Notitie bij {step}"})
        assert r.status == 200, await r.text()
    r = await client.get(f"/dashboard/cases/{case_a}/export.pdf")
    assert r.status == 200 and r.content_type == "application/pdf"
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(await r.read())
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    text = words(raw)
    async with db.session() as s:
        events = (await s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_a)
                                  .order_by(CaseEvent.id))).all()
    assert len(events) >= 8
    for e in events:
        assert words(e.detail) in text, e.detail
        assert words(vm.when(e.at, seconds=True)) in text, e.at
        assert words(e.actor_label) in text
    assert events[-1].detail == "Dossier als pdf geëxporteerd."  # the export itself is recorded
    assert f"Basisschool De Linde 1 · Dossier zaak #{case_a}" in text
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    for n in range(1, pages + 1):
        assert f"Pagina {n} van {pages}" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(ARTIFACTS / "dossier-pdf")], check=True)
    assert (ARTIFACTS / "dossier-pdf.png").stat().st_size > 5000


async def test_another_schools_dossier_is_not_there(env) -> None:
    client, w, (_, case_b), _ = env
    await login(client, w.emails["leadership1"])
    r = await client.get(f"/dashboard/cases/{case_b}/export.pdf")
    assert r.status == 404 and r.content_type == "text/html"
