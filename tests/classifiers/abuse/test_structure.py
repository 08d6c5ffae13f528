"""The abuse package keeps its words and numbers as data a school's IT can read: no Dutch
word list in its Python code, the rules in small modules, every named list in use, and the
rule order of data/rules.yaml checked when the engine is built."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from classifiers.abuse.phrases import load_phrases
from classifiers.abuse.rules import build
from classifiers.abuse.rules.base import RULES_FILE, load_config

PACKAGE = Path(__file__).resolve().parents[3] / "classifiers" / "abuse"
DATA = PACKAGE / "data"
MAX_LINES = 400
# identifiers that the code may list: aims of an insult and the pattern syntax
OTHER_IDENTIFIERS = {"gref", "gthing", "name", "curse_compound", "stance", "short", "exclaim",
                     "..", "!"}


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _identifiers() -> set[str]:
    """Lexicon kinds and group ids (terms.tsv), categories and subtypes (messages.yaml)."""
    names = set(OTHER_IDENTIFIERS)
    for name in ("terms.tsv", "judgements.tsv"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if line.startswith("#") or len(cols) < 2:
                continue
            names.add(cols[1].strip())
            if len(cols) > 3 and cols[1].strip() != "spelling":
                names.add(cols[3].strip())
    messages = yaml.safe_load((DATA / "messages.yaml").read_text(encoding="utf-8"))
    names |= set(messages) | {sub for subs in messages.values() for sub in subs}
    # the sections and fields of rules.yaml
    rules = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return names | set(rules) | {"rule", "category", "subtype", "severity", "score"}


def word_lists(path: Path, identifiers: set[str]) -> list[str]:
    """Literal collections of two or more strings that are not identifiers, and strings
    split into words, in one Python file: each is a word list in code."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exported = {id(n) for a in ast.walk(tree) if isinstance(a, ast.Assign)
                and [getattr(t, "id", "") for t in a.targets] == ["__all__"] for n in ast.walk(a)}
    for node in ast.walk(tree):
        if id(node) in exported:
            continue
        if isinstance(node, ast.Set | ast.List | ast.Tuple):
            strings = [e.value for e in node.elts
                       if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            words = [s for s in strings if s not in identifiers]
            if len(strings) >= 2 and words:
                found.append(f"{path.name}:{node.lineno} {words[:4]}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "split" and isinstance(node.func.value, ast.Constant)):
            found.append(f"{path.name}:{node.lineno} split string")
    return found


def test_no_dutch_word_list_in_the_code():
    identifiers = _identifiers()
    found = [w for path in _sources() for w in word_lists(path, identifiers)]
    assert found == []


def test_the_checker_finds_a_word_list(tmp_path):
    code = tmp_path / "rule.py"
    code.write_text('NEG = frozenset({"niet", "geen"})\nKINDS = ("insult", "slur")\n'
                    'RESTS = "fonds cel".split()\n')
    assert sorted(word_lists(code, _identifiers())) == [
        "rule.py:1 ['niet', 'geen']", "rule.py:3 split string"]


def test_every_module_is_small():
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in _sources()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_every_word_list_and_hit_is_used():
    code = "\n".join(p.read_text(encoding="utf-8") for p in _sources())
    used = set(re.findall(r'W\.\w+\("(\w+)"\)', code))
    listed = set(yaml.safe_load((DATA / "words.yaml").read_text(encoding="utf-8")))
    assert listed == used
    hits = set(load_config().hits)
    named = set(re.findall(r'HITS\["([\w.]+)"\]', code))
    assert hits == named


def test_group_threats_have_one_home():
    phrases = load_phrases(DATA / "phrases.tsv")
    threats = load_phrases(DATA / "group_threats.tsv")
    assert not [p.id for p in phrases if (p.category, p.subtype) == ("discrimination", "threat")]
    assert threats and {(p.category, p.subtype) for p in threats} == {
        ("discrimination", "threat")}


def test_an_unknown_rule_in_rules_yaml_is_named(tmp_path):
    raw = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    raw["order"].append("sarcasm")
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown rule or filter sarcasm"):
        build(DATA, [], load_config(path))
