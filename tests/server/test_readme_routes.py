"""The README's route table matches the OpenAPI spec (issue 17, finding 10): every operation of
the spec has a row and every row is in the spec, and the roles in a row are the roles its
handler really lets in (`@requires`; "no token" for the open routes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from server.api.openapi import build_spec

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `(GET|POST|PUT|DELETE|PATCH) (/[^`]*)` \| ([^|]+) \|", re.M)


def readme_routes() -> dict[tuple[str, str], set[str]]:
    rows: dict[tuple[str, str], set[str]] = {}
    for method, path, who in ROW.findall(README.read_text(encoding="utf-8")):
        assert (method, path) not in rows, f"twice in the README: {method} {path}"
        who = who.strip()
        rows[(method, path)] = set() if who == "no token" else {
            r.strip() for r in who.split(",")}
    return rows


def test_the_readme_lists_exactly_the_routes_of_the_spec(client: Any) -> None:
    spec = build_spec(client.app)
    in_spec = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    in_readme = set(readme_routes())
    assert sorted(in_spec - in_readme) == [], "in the spec, missing in the README"
    assert sorted(in_readme - in_spec) == [], "in the README, not in the spec"


def test_the_readme_roles_are_what_the_handlers_allow(client: Any) -> None:
    handlers = {(r.method, r.resource.canonical): r.handler
                for r in client.app.router.routes() if r.resource is not None}
    wrong = []
    for key, roles in readme_routes().items():
        allowed = getattr(handlers[key], "denkna_roles", None)
        if set(allowed or ()) != roles:
            wrong.append((key, sorted(roles), sorted(allowed or ())))
    assert wrong == []


def test_the_roles_section_does_not_say_staff_can_do_nothing_else() -> None:
    text = README.read_text(encoding="utf-8")
    staff = next(line for line in text.splitlines() if line.startswith("- **staff**"))
    assert "Nothing else" not in staff and "nothing else" not in staff
