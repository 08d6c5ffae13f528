"""The Scala stappenplan as data: every path ends in the dossier; bad files get clear errors."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from server.escalation.steps import (
    DEFAULT_STEPS,
    StepsError,
    check_text,
    load_plan,
    parse_plan,
    walk,
)


def test_default_plan_walks_the_adult_inadequate_path_to_the_dossier() -> None:
    plan = load_plan()
    path = [("stop_reageren", "personeel_gestopt"), ("gesprek", "plaatser_volwassene"),
            ("reactie_volwassene", "inadequaat"), ("statement_volwassene", "geplaatst"),
            ("dossier", "afgesloten")]
    current = plan.start
    for step_id, outcome in path:
        assert current == step_id
        t = walk(plan, current, outcome)
        current = t.next_step.id if t.next_step else None
    assert current is None


def test_staff_branch_offers_the_sanctions_and_the_vertrouwensinspecteur() -> None:
    plan = load_plan()
    labels = " ".join(o.label for o in plan.step("overleg_bestuur").outcomes)
    for measure in ("Waarschuwing", "Schorsing", "Berisping", "Ontslag op staande voet",
                    "Landelijke Vertrouwensinspecteur"):
        assert measure in labels
    assert plan.step("overleg_bestuur").role == "board"


def test_poster_is_set_by_the_conversation_outcome() -> None:
    plan = load_plan()
    assert {o.poster for o in plan.step("gesprek").outcomes} == {"staff", "adult", "child"}
    assert "aangifte" in plan.statement_for("adult")


def test_unknown_next_step_names_the_line_and_step() -> None:
    text = DEFAULT_STEPS.read_text().replace("next: klachtenregeling", "next: klachtregeling")
    with pytest.raises(StepsError) as err:
        parse_plan(text, origin="school.yaml")
    msg = str(err.value)
    assert "stap 'reactie_volwassene'" in msg and "klachtregeling" in msg
    assert "school.yaml regel" in msg


def test_dead_end_and_bad_role_are_reported_together() -> None:
    text = """
start: a
final: z
steps:
  - {id: a, title: A, role: leadership, deadline_hours: 2,
     outcomes: [{id: x, label: X, next: b}, {id: y, label: Y, next: z}]}
  - {id: b, title: B, role: conciërge, deadline_hours: 2,
     outcomes: [{id: x, label: X, next: b}]}
  - {id: z, title: Z, role: leadership, deadline_hours: 2,
     outcomes: [{id: klaar, label: Klaar, next: null}]}
"""
    result = check_text(text, "eigen.yaml")
    assert not result["ok"]
    joined = " | ".join(result["problems"])
    assert "stap 'b'" in joined and "role" in joined


def test_unreachable_final_is_reported() -> None:
    text = """
start: a
final: z
steps:
  - {id: a, title: A, role: leadership, deadline_hours: 2, outcomes: [{id: x, label: X, next: b}]}
  - {id: b, title: B, role: leadership, deadline_hours: 2, outcomes: [{id: x, label: X, next: a}]}
  - {id: z, title: Z, role: leadership, deadline_hours: 2, outcomes: [{id: k, label: K}]}
"""
    problems = check_text(text)["problems"]
    assert any("nooit bij 'z'" in p for p in problems)


def test_broken_yaml_gives_line() -> None:
    result = check_text("steps:\n  - id: a\n   title: [", "x.yaml")
    assert not result["ok"] and "regel" in result["problems"][0]


def test_comma_in_unquoted_label_is_caught() -> None:
    text = """
start: a
final: a
steps:
  - {id: a, title: A, role: leadership, deadline_hours: 2,
     outcomes: [{id: k, label: Klaar, zaak gesloten, next: null}]}
"""
    problems = check_text(text)["problems"]
    assert any("aanhalingstekens" in p and "stap 'a'" in p for p in problems)


_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
_KEYS = st.sampled_from(["id", "title", "role", "deadline_hours", "outcomes", "next", "label",
                         "poster", "statement", "steps", "start", "final", "statements"])
_TREE = st.recursive(_LEAF, lambda c: st.one_of(st.lists(c, max_size=3),
                                                st.dictionaries(_KEYS, c, max_size=5)),
                     max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(_TREE)
def test_any_yaml_gets_an_answer_never_an_exception(tree) -> None:
    result = check_text(yaml.safe_dump(tree), "x.yaml")
    assert result["ok"] or all(isinstance(p, str) and p for p in result["problems"])
