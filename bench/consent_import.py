"""How long a school's consent list of 10,000 pupils takes to import: reading the CSV export
(Windows-1252, `;`) and replacing the list in the database (one transaction), on SQLite and,
when it answers on 127.0.0.1:5432, PostgreSQL; then building the in-memory list the checks use.
The issue's bar: under 5 s. Run: `.venv/bin/python bench/consent_import.py [--rows N]`."""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.school import consent_csv, consent_store
from server.storage.db import Database
from server.storage.models import School

FIRST = ["Sanne", "Daan", "Emma", "Noah", "Zoë", "Liam", "Julia", "Sem", "Mila", "Lucas",
         "Tess", "Finn", "Noëlle", "Bram", "Yara", "Mohammed", "Fleur", "Levi", "Saar", "Jesse"]
INFIX = ["", "", "", "de", "van", "van der", "van den", "ter"]
LAST = ["Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos",
        "Peters", "Hendriks", "Öztürk", "Dekker", "Brouwer", "Dijkstra", "Kok", "Koster"]


def export(rows: int) -> bytes:
    rnd = random.Random(16)
    lines = ["Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Klas;Toestemming beeldmateriaal"]
    seen: set[str] = set()
    while len(lines) <= rows:
        first, infix, last = rnd.choice(FIRST), rnd.choice(INFIX), rnd.choice(LAST)
        last = f"{last}-{rnd.randint(1, 9999)}"  # unique names, as a school's list has
        if (key := f"{first} {infix} {last}") in seen:
            continue
        seen.add(key)
        lines.append(f"{100000 + len(lines)};{first};{infix};{last};"
                     f"{rnd.randint(1, 6)}{rnd.choice('ABCD')};{rnd.choice(['Ja', 'Nee'])}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


async def run(url: str, data: bytes, schema: str | None = None) -> tuple[float, float, int]:
    db = Database(url, schema=schema)
    await db.migrate()
    try:
        async with db.session() as s:
            school = School(name="Bench", slug=f"bench-{secrets.token_hex(3)}")
            s.add(school)
        for _ in range(2):  # the second import replaces the first
            t0 = time.perf_counter()
            pupils = consent_csv.parse(data)
            parsed = time.perf_counter() - t0
            async with db.session() as s:
                await consent_store.replace(s, school.id, pupils)
            total = time.perf_counter() - t0
        async with db.session() as s:
            count = await consent_store.count(s, school.id)
    finally:
        await db.dispose()
    return parsed, total, count


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=10_000)
    args = ap.parse_args()
    data = export(args.rows)
    print(f"consent list: {args.rows} rows, {len(data) / 1024:.0f} KB (Windows-1252, ';')")
    with tempfile.TemporaryDirectory() as tmp:
        parsed, total, n = await run(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", data)
        print(f"sqlite:     read {parsed:.2f} s, read + replace {total:.2f} s, {n} stored "
              f"({total / 5.0:.0%} of the 5 s bar)")
    try:
        import asyncpg

        conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test", timeout=2)
        schema = f"bench_{secrets.token_hex(4)}"
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            parsed, total, n = await run("postgresql+asyncpg://postgres@127.0.0.1:5432/test",
                                         data, schema)
            print(f"postgresql: read {parsed:.2f} s, read + replace {total:.2f} s, {n} stored "
                  f"({total / 5.0:.0%} of the 5 s bar)")
        finally:
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            await conn.close()
    except (OSError, ImportError) as exc:
        print(f"postgresql: not measured ({type(exc).__name__})")
    from classifiers.personal_data.consent import ConsentList

    pupils = consent_csv.parse(data)
    t0 = time.perf_counter()
    listed = ConsentList((p.name, p.consent) for p in pupils)
    built = time.perf_counter() - t0
    text = "Gefeliciteerd " + pupils[17].name + " (groep 7)! " * 20
    t0 = time.perf_counter()
    for _ in range(1000):
        listed.relevant(text)
    per_check = (time.perf_counter() - t0) / 1000
    print(f"in memory: list built in {built * 1000:.0f} ms; picking the named pupils of a "
          f"check {per_check * 1e6:.0f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
