"""The escalation steps ('stappenplan') as data: load, validate and walk a YAML graph.

The default is `steps/scala.yaml` (seeds 003); a school may have its own file. Validation
errors name the line and the step so that a school's IT person can fix the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_STEPS = Path(__file__).parent / "steps" / "scala.yaml"
ROLES = ("leadership", "board", "teacher", "staff")
POSTERS = ("staff", "adult", "child", "unknown")
OUTCOME_FIELDS = frozenset({"id", "label", "next", "poster"})
ROLE_LABELS = {
    "leadership": "directie",
    "board": "bestuur",
    "teacher": "leerkracht",
    "staff": "medewerker",
}


class StepsError(ValueError):
    """A steps file is invalid. `problems` lists every problem found, in Dutch."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Outcome:
    id: str
    label: str
    next: str | None
    poster: str | None = None


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    role: str
    deadline_hours: float
    outcomes: tuple[Outcome, ...]
    description: str = ""
    statement: str | None = None  # poster kind whose statement may be posted at this step
    line: int = 0

    def outcome(self, outcome_id: str) -> Outcome:
        for o in self.outcomes:
            if o.id == outcome_id:
                return o
        raise KeyError(f"stap '{self.id}' heeft geen uitkomst '{outcome_id}'")

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True)
class Plan:
    name: str
    start: str
    final: str
    steps: dict[str, Step]
    statements: dict[str, str]
    escalation_roles: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def step(self, step_id: str) -> Step:
        try:
            return self.steps[step_id]
        except KeyError:
            raise KeyError(f"onbekende stap '{step_id}'") from None

    def statement_for(self, poster: str | None) -> str:
        return self.statements.get(poster or "unknown") or self.statements.get("unknown", "")

    def escalate_role(self, role: str) -> str:
        return self.escalation_roles.get(role, "board")


def _line_of(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def _step_lines(root: yaml.Node) -> dict[int, int]:
    """index of each item under `steps:` -> its 1-based line number."""
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if key.value == "steps" and isinstance(value, yaml.SequenceNode):
            return {i: _line_of(item) for i, item in enumerate(value.value)}
    return {}


def parse_plan(text: str, *, origin: str = "stappenplan") -> Plan:
    """Parse and validate a steps file. Raises StepsError listing every problem."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"regel {mark.line + 1}: " if mark else ""
        problem = f"{origin}: {where}geen geldige YAML ({exc.__class__.__name__})"
        raise StepsError([problem]) from None
    if not isinstance(data, dict):
        raise StepsError([f"{origin}: het bestand moet een mapping zijn met 'steps'"])
    lines = _step_lines(root) if root is not None else {}
    problems: list[str] = []
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise StepsError([f"{origin}: 'steps' ontbreekt of is leeg"])
    steps: dict[str, Step] = {}
    for i, raw in enumerate(raw_steps):
        line = lines.get(i, 0)
        where = f"{origin} regel {line}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: een stap moet een mapping zijn")
            continue
        sid = raw.get("id")
        if not isinstance(sid, str) or not sid:
            problems.append(f"{where}: stap zonder 'id'")
            continue
        where = f"{where}, stap '{sid}'"
        if sid in steps:
            problems.append(f"{where}: 'id' komt twee keer voor")
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.append(f"{where}: 'title' ontbreekt")
        role = raw.get("role")
        if role not in ROLES:
            problems.append(f"{where}: 'role' moet een van {', '.join(ROLES)} zijn, niet {role!r}")
        deadline = raw.get("deadline_hours")
        if not isinstance(deadline, int | float) or isinstance(deadline, bool) or deadline <= 0:
            problems.append(f"{where}: 'deadline_hours' moet een positief getal zijn")
            deadline = 0
        statement = raw.get("statement")
        if statement is not None and statement not in POSTERS:
            problems.append(f"{where}: 'statement' moet een van {', '.join(POSTERS)} zijn")
        outcomes: list[Outcome] = []
        raw_out = raw.get("outcomes")
        if not isinstance(raw_out, list) or not raw_out:
            problems.append(f"{where}: 'outcomes' ontbreekt of is leeg")
            raw_out = []
        for o in raw_out:
            if not isinstance(o, dict) or not isinstance(o.get("id"), str):
                problems.append(f"{where}: uitkomst zonder 'id'")
                continue
            extra = sorted(str(k) for k in o if k not in OUTCOME_FIELDS)
            if extra:
                problems.append(f"{where}: uitkomst '{o['id']}' heeft onbekende velden "
                                f"{', '.join(extra)} (staat er een komma in een label? Zet het "
                                "label dan tussen aanhalingstekens)")
            if not isinstance(o.get("label"), str):
                problems.append(f"{where}: uitkomst '{o['id']}' heeft geen 'label'")
            poster = o.get("poster")
            if poster is not None and poster not in POSTERS:
                problems.append(f"{where}: uitkomst '{o['id']}': 'poster' moet een van "
                                f"{', '.join(POSTERS)} zijn")
            nxt = o.get("next")
            if nxt is not None and not isinstance(nxt, str):
                problems.append(f"{where}: uitkomst '{o['id']}': 'next' moet een stap-id zijn")
                nxt = None
            outcomes.append(Outcome(o["id"], str(o.get("label", o["id"])), nxt,
                                    poster if isinstance(poster, str) else None))
        if len({o.id for o in outcomes}) != len(outcomes):
            problems.append(f"{where}: twee uitkomsten met dezelfde 'id'")
        steps[sid] = Step(sid, str(title or sid), str(role), float(deadline), tuple(outcomes),
                          str(raw.get("description") or "").strip(), statement, line)

    start, final = data.get("start"), data.get("final")
    start = start if isinstance(start, str) else repr(start)
    final = final if isinstance(final, str) else repr(final)
    if start not in steps:
        problems.append(f"{origin}: 'start' verwijst naar onbekende stap {start!r}")
    if final not in steps:
        problems.append(f"{origin}: 'final' verwijst naar onbekende stap {final!r}")
    for s in steps.values():
        for o in s.outcomes:
            if o.next is None:
                if s.id != final:
                    problems.append(f"{origin} regel {s.line}, stap '{s.id}': uitkomst '{o.id}' "
                                    "heeft geen 'next' (alleen de laatste stap mag eindigen)")
            elif o.next not in steps:
                problems.append(f"{origin} regel {s.line}, stap '{s.id}': uitkomst '{o.id}' "
                                f"verwijst naar onbekende stap '{o.next}'")
    if not problems:
        reachable = _reachable(steps, start)
        for sid, s in steps.items():
            if sid not in reachable:
                problems.append(f"{origin} regel {s.line}, stap '{sid}': is vanaf "
                                f"'{start}' niet bereikbaar")
        for sid in reachable:
            if final not in _reachable(steps, sid):
                problems.append(f"{origin} regel {steps[sid].line}, stap '{sid}': vanaf hier "
                                f"kan de zaak nooit bij '{final}' (het dossier) uitkomen")
    statements = data.get("statements") or {}
    if not isinstance(statements, dict) or not all(isinstance(v, str) for v in statements.values()):
        problems.append(f"{origin}: 'statements' moet per plaatser een tekst hebben")
        statements = {}
    escalation = data.get("escalation_roles") or {}
    if not isinstance(escalation, dict):
        problems.append(f"{origin}: 'escalation_roles' moet een mapping zijn")
        escalation = {}
    if problems:
        raise StepsError(problems)
    return Plan(str(data.get("name") or origin), str(start), str(final), steps,
                {str(k): " ".join(v.split()) for k, v in statements.items()},
                {str(k): str(v) for k, v in escalation.items()}, str(data.get("source") or ""))


def _reachable(steps: dict[str, Step], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        sid = todo.pop()
        if sid in seen or sid not in steps:
            continue
        seen.add(sid)
        todo.extend(o.next for o in steps[sid].outcomes if o.next)
    return seen


def load_plan(path: Path | str | None = None) -> Plan:
    p = Path(path) if path else DEFAULT_STEPS
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise StepsError([f"{p.name}: kan het bestand niet lezen ({exc.strerror})"]) from None
    return parse_plan(text, origin=p.name)


@dataclass(frozen=True)
class Transition:
    step: Step
    outcome: Outcome
    next_step: Step | None  # None: the case is closed


def walk(plan: Plan, current: str, outcome_id: str) -> Transition:
    """Record `outcome_id` on step `current`; returns where the case goes next."""
    step = plan.step(current)
    outcome = step.outcome(outcome_id)
    return Transition(step, outcome, plan.step(outcome.next) if outcome.next else None)


def check_text(text: str, origin: str = "stappenplan") -> dict[str, Any]:
    """For the dashboard 'steps file check': ok + summary, or the list of problems."""
    try:
        plan = parse_plan(text, origin=origin)
    except StepsError as exc:
        return {"ok": False, "problems": exc.problems}
    return {"ok": True, "name": plan.name, "steps": len(plan.steps), "problems": []}
