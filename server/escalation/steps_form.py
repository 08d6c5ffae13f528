"""The stappenplan as a form: rows a principal edits (title, who acts, deadline, outcomes and
where each leads), the buttons that add, remove and move a step, the checks in plain Dutch
(by step number and title, never by file line), and the YAML the server stores.

The first step in the list is where a case starts; the one step with an outcome "zaak sluiten"
ends it. Statements and escalation roles come unchanged from the plan the edit started from.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import yaml

from server.escalation.steps import ROLE_LABELS, ROLES, Plan, StepsError, parse_plan

CLOSE = "__close__"  # "daarna: zaak sluiten"
UNITS = {"uur": 1.0, "dagen": 24.0}
MAX_HOURS = 24 * 366
MAX_STEPS = 40


@dataclass
class OutcomeRow:
    id: str
    label: str
    next: str  # a step id or CLOSE
    poster: str = ""


@dataclass
class StepRow:
    id: str
    title: str
    role: str
    amount: str  # the deadline as typed, in `unit`
    unit: str
    description: str = ""
    statement: str = ""
    outcomes: list[OutcomeRow] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"'{self.title}'" if self.title.strip() else "(zonder titel)"


def _amount(hours: float) -> tuple[str, str]:
    if hours >= 24 and hours % 24 == 0:
        return f"{hours / 24:g}", "dagen"
    return f"{hours:g}", "uur"


def rows_from_plan(plan: Plan) -> list[StepRow]:
    order = [plan.start] + [sid for sid in plan.steps if sid != plan.start]
    rows = []
    for sid in order:
        st = plan.steps[sid]
        amount, unit = _amount(st.deadline_hours)
        rows.append(StepRow(st.id, st.title, st.role, amount, unit, st.description,
                            st.statement or "", [OutcomeRow(o.id, o.label, o.next or CLOSE,
                                                            o.poster or "")
                                                 for o in st.outcomes]))
    return rows


def _get(form: Any, key: str) -> str:
    return str(form.get(key, "")).strip()


def rows_from_form(form: Any) -> list[StepRow]:
    """The rows as posted (`s{i}_...`, outcomes `s{i}_o{j}_...`); empty outcome labels drop."""
    try:
        n = min(int(_get(form, "n") or 0), MAX_STEPS + 1)
    except ValueError:
        n = 0
    rows = []
    for i in range(n):
        p = f"s{i}_"
        if not _get(form, p + "id"):
            continue
        outcomes = []
        for j in range(12):
            q = f"{p}o{j}_"
            if not any(k.startswith(q) for k in form):
                break
            label = _get(form, q + "label")
            if label:
                outcomes.append(OutcomeRow(_get(form, q + "id"), label[:200],
                                           _get(form, q + "next"), _get(form, q + "poster")))
        rows.append(StepRow(_get(form, p + "id")[:100], _get(form, p + "title")[:200],
                            _get(form, p + "role"), _get(form, p + "amount")[:12],
                            _get(form, p + "unit"), _get(form, p + "description")[:2000],
                            _get(form, p + "statement"), outcomes))
    return rows


def apply_action(rows: list[StepRow], action: str) -> tuple[list[StepRow], str]:
    """'up:i', 'down:i', 'remove:i' or 'add'; returns the rows and a note for the page."""
    verb, _, arg = action.partition(":")
    if verb == "add":
        if len(rows) >= MAX_STEPS:
            return rows, f"Een stappenplan heeft hoogstens {MAX_STEPS} stappen."
        closing = next((i for i, r in enumerate(rows)
                        if any(o.next == CLOSE for o in r.outcomes)), len(rows))
        then = rows[closing].id if closing < len(rows) else CLOSE
        new = StepRow(f"stap_{secrets.token_hex(3)}", "", "leadership", "1", "dagen",
                      outcomes=[OutcomeRow("", "Gedaan", then)])
        rows.insert(closing, new)
        return rows, ("Er is een nieuwe stap toegevoegd. Geef hem een titel en kies bij een "
                      "eerdere stap welke uitkomst naar deze stap leidt.")
    try:
        i = int(arg)
    except ValueError:
        return rows, ""
    if not 0 <= i < len(rows):
        return rows, ""
    if verb in ("up", "down"):
        j = i - 1 if verb == "up" else i + 1
        if 0 <= j < len(rows):
            rows[i], rows[j] = rows[j], rows[i]
        return rows, ""
    if verb == "remove":
        gone = rows.pop(i)
        after = gone.outcomes[0].next if gone.outcomes else ""
        after = "" if after == gone.id else after
        moved = 0
        for r in rows:
            for o in r.outcomes:
                if o.next == gone.id:
                    o.next, moved = after, moved + 1
        titles = {r.id: r.title for r in rows}
        note = f"Stap {gone.name} is verwijderd."
        if moved and after in titles:
            note += f" Uitkomsten die daarheen gingen, gaan nu naar '{titles[after]}'."
        elif moved and after == CLOSE:
            note += " Uitkomsten die daarheen gingen, sluiten nu de zaak."
        return rows, note
    return rows, ""


def _hours(row: StepRow) -> float | None:
    try:
        value = float(row.amount.replace(",", ".")) * UNITS[row.unit]
    except (ValueError, KeyError):
        return None
    return value if 0 < value <= MAX_HOURS else None


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        sid = todo.pop()
        if sid not in seen and sid in graph:
            seen.add(sid)
            todo.extend(graph[sid])
    return seen


def check(rows: list[StepRow]) -> list[str]:
    """Every problem, in plain Dutch, by step number and title."""
    if not rows:
        return ["Een stappenplan heeft minstens één stap."]
    problems: list[str] = []
    ids = {r.id for r in rows}
    closing = [r for r in rows if any(o.next == CLOSE for o in r.outcomes)]
    for n, r in enumerate(rows, 1):
        where = f"Stap {n} {r.name}"
        if not r.title:
            problems.append(f"Stap {n} heeft geen titel.")
        if r.role not in ROLES:
            problems.append(f"{where}: kies wie deze stap uitvoert.")
        if _hours(r) is None:
            problems.append(f"{where}: de termijn moet een getal groter dan nul zijn, en "
                            "hoogstens een jaar.")
        if not r.outcomes:
            problems.append(f"{where} heeft geen uitkomst; vul er minstens één in.")
        labels = [o.label for o in r.outcomes]
        for label in sorted({x for x in labels if labels.count(x) > 1}):
            problems.append(f"{where}: twee uitkomsten heten '{label}'.")
        for o in r.outcomes:
            if o.next != CLOSE and (o.next not in ids or o.next == r.id):
                problems.append(f"{where}, uitkomst '{o.label}': kies waar de zaak daarna "
                                "heen gaat.")
    if not closing:
        problems.append("Geen enkele uitkomst sluit de zaak. Kies bij de laatste stap "
                        "'zaak sluiten'.")
    elif len(closing) > 1:
        names = " en ".join(r.name for r in closing)
        problems.append(f"Maar één stap kan de zaak sluiten; nu doen {names} dat allebei.")
    if problems:
        return problems
    graph = {r.id: {o.next for o in r.outcomes if o.next != CLOSE} for r in rows}
    start, final = rows[0].id, closing[0].id
    reachable = _reach(graph, start)
    for n, r in enumerate(rows, 1):
        if r.id not in reachable:
            problems.append(f"Stap {n} {r.name} wordt nooit bereikt: geen uitkomst van een "
                            "eerdere stap leidt ernaartoe.")
        elif final not in _reach(graph, r.id):
            problems.append(f"Vanuit stap {n} {r.name} wordt een zaak nooit gesloten.")
    return problems


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "uitkomst"
    slug, k = base, 2
    while slug in taken:
        slug, k = f"{base}_{k}", k + 1
    taken.add(slug)
    return slug


def to_yaml(rows: list[StepRow], base: Plan, name: str) -> str:
    """The edited plan as the YAML text the server keeps. Raises StepsError if the result
    still does not hold (check() first)."""
    closing = next(r.id for r in rows if any(o.next == CLOSE for o in r.outcomes))
    steps = []
    for r in rows:
        taken: set[str] = set()
        outcomes = []
        for o in r.outcomes:
            oid = o.id if o.id and o.id not in taken else _slug(o.label, taken)
            taken.add(oid)
            item: dict[str, Any] = {"id": oid, "label": o.label,
                                    "next": None if o.next == CLOSE else o.next}
            if o.poster:
                item["poster"] = o.poster
            outcomes.append(item)
        step: dict[str, Any] = {"id": r.id, "title": r.title, "role": r.role,
                                "deadline_hours": _hours(r)}
        if r.description:
            step["description"] = r.description
        if r.statement:
            step["statement"] = r.statement
        step["outcomes"] = outcomes
        steps.append(step)
    data = {"name": name, "start": rows[0].id, "final": closing, "steps": steps,
            "statements": dict(base.statements), "escalation_roles": dict(base.escalation_roles)}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    parse_plan(text, origin="stappenplan")  # the same checks the API applies
    return text


def view(rows: list[StepRow]) -> list[dict[str, Any]]:
    """What the template needs: rows plus the choices for 'daarna'."""
    choices = [(r.id, f"Stap {n}: {r.title or '(zonder titel)'}") for n, r in enumerate(rows, 1)]
    choices.append((CLOSE, "zaak sluiten"))
    out = []
    for r in rows:
        outcomes = [*r.outcomes, OutcomeRow("", "", rows[-1].id if rows else CLOSE)]
        out.append({"row": r, "outcomes": outcomes, "choices": choices})
    return out


ROLE_CHOICES = [(r, ROLE_LABELS[r]) for r in ROLES]
__all__ = ["CLOSE", "ROLE_CHOICES", "StepsError", "apply_action", "check", "rows_from_form",
           "rows_from_plan", "to_yaml", "view"]
