"""The school's own protocol: its name and the article of each rule that Denkna's reasons
cite. The classifiers cite the protocols Denkna ships by file number and section ("000 A.4",
see protocol_rules.yaml); at the server boundary (the API answer, and so the extension's
panel, the dashboard, the monitoring API) every such citation becomes the school's own:
"Protocol sociale media OBS De Klimop, art. A.4". No file number reaches a user.

Stored per school in `school_settings` under "protocol": {"name": ..., "articles": {key: ...}};
what a school has not set comes from the defaults (the shipped protocols' sections).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from server.storage.models import School, SchoolSetting

SETTING_KEY = "protocol"
RULES_FILE = Path(__file__).with_name("protocol_rules.yaml")
MAX_NAME = 200
MAX_ARTICLE = 60
# English spellings of the word sections some English reasons use.
_ALIASES = {"team agreements": "teamafspraken", "digital bullying": "digitaal pesten"}
_SECTION = r"(?:[A-D]\.\d+|teamafspraken|team agreements|digitaal pesten|digital bullying)"
_REF = re.compile(rf"(?:\b[Pp]rotocol\s+)?\b(00[0-4]) ({_SECTION})(?![\w.])")
_GROUP = re.compile(r"\(([^()]*)\)")
_ANY_REF = re.compile(rf"\b00[0-4] {_SECTION}")


@dataclass(frozen=True)
class Rule:
    key: str
    ref: str
    topic: str
    article: str  # the default


@cache
def rules() -> tuple[Rule, ...]:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return tuple(Rule(str(r["key"]), str(r["ref"]), str(r["topic"]), str(r["article"]))
                 for r in data)


def _by_ref() -> dict[str, Rule]:
    return {r.ref: r for r in rules()}


def default_name(school_name: str) -> str:
    return f"Protocol sociale media {school_name}".strip()


@dataclass(frozen=True)
class SchoolProtocol:
    name: str
    articles: dict[str, str] = field(default_factory=dict)  # rule key -> article ("" = none)

    @classmethod
    def defaults(cls, school_name: str) -> SchoolProtocol:
        return cls(default_name(school_name), {r.key: r.article for r in rules()})

    @classmethod
    def from_setting(cls, value: Any, school_name: str) -> SchoolProtocol:
        base = cls.defaults(school_name)
        if not isinstance(value, dict):
            return base
        name = str(value.get("name") or "").strip() or base.name
        stored = value.get("articles") if isinstance(value.get("articles"), dict) else {}
        articles = {k: str(stored.get(k, v)).strip() for k, v in base.articles.items()}
        return cls(name, articles)

    def to_setting(self) -> dict[str, Any]:
        return {"name": self.name, "articles": dict(self.articles)}

    # ----- citing ----------------------------------------------------------------------------
    def article_for(self, file_no: str, section: str) -> str | None:
        """The school's article for a seed citation; None when Denkna does not know the rule
        (then only the protocol's name is cited)."""
        section = _ALIASES.get(section, section)
        rule = _by_ref().get(f"{file_no} {section}")
        return self.articles.get(rule.key, rule.article) if rule else None

    @staticmethod
    def label(article: str | None) -> str:
        if not article:
            return ""
        return f"art. {article}" if re.search(r"\d", article) and not article.startswith(
            "art") else article

    def cite_ref(self, ref: str) -> str:
        """A flag's `protocol_ref` ("000 A.4") as the school's citation."""
        m = _REF.fullmatch(ref.strip())
        if not m:
            return ref if not _ANY_REF.search(ref) else self.rewrite(ref)
        label = self.label(self.article_for(m.group(1), m.group(2)))
        return f"{self.name}, {label}" if label else self.name

    def rewrite(self, text: str, locale: str = "nl") -> str:
        """Every seed citation in `text` as the school's: a group in brackets such as
        "(002 A.2, art. 4 AVG; 000 A.1)" becomes "(Protocol …, art. A.2 en art. A.1; art. 4
        AVG)"; a citation outside brackets becomes "Protocol …, art. A.4"."""
        if not text or not _ANY_REF.search(text):
            return text
        word = " and " if locale == "en" else " en "

        def group(m: re.Match[str]) -> str:
            inner = m.group(1)
            if not _ANY_REF.search(inner):
                return m.group(0)
            labels: list[str] = []
            others: list[str] = []
            for part in re.split(r"\s*[,;]\s*", inner):
                ref = _REF.fullmatch(part)
                if ref:
                    lab = self.label(self.article_for(ref.group(1), ref.group(2)))
                    if lab and lab not in labels:
                        labels.append(lab)
                elif part:  # "sexting: 002 A.8": the name is cited at the head already
                    others.append(_REF.sub(lambda r: self._inline(r, short=True), part))
            head = self.name + (", " + word.join(labels) if labels else "")
            return "(" + "; ".join([head, *others]) + ")"

        text = _GROUP.sub(group, text)
        return _REF.sub(lambda r: self._inline(r), text)

    def _inline(self, m: re.Match[str], short: bool = False) -> str:
        label = self.label(self.article_for(m.group(1), m.group(2)))
        if short and label:
            return label
        return f"{self.name}, {label}" if label else self.name

    def apply(self, judgement: dict[str, Any], locale: str = "nl") -> dict[str, Any]:
        """A judgement as the API answers it (flags, advice), cited in the school's words."""
        for f in judgement.get("flags") or []:
            if not isinstance(f, dict):
                continue
            if isinstance(f.get("reason"), str):
                f["reason"] = self.rewrite(f["reason"], locale)
            if isinstance(f.get("protocol_ref"), str):
                f["protocol_ref"] = self.cite_ref(f["protocol_ref"])
            if isinstance(f.get("suggestion"), str):
                f["suggestion"] = self.rewrite(f["suggestion"], locale)
        advice = judgement.get("advice")
        if isinstance(advice, dict):
            advice["notes"] = [self.rewrite(n, locale) if isinstance(n, str) else n
                               for n in advice.get("notes") or []]
            if isinstance(advice.get("summary"), str):
                advice["summary"] = self.rewrite(advice["summary"], locale)
        return judgement

    def flags(self, flags: Any) -> list[Any]:
        """Stored flags (a comment's) rewritten for showing; the stored copy is left alone."""
        if not isinstance(flags, list):
            return []
        return self.apply({"flags": [dict(f) if isinstance(f, dict) else f for f in flags]}
                          )["flags"]


async def load(s: AsyncSession, school_id: int, school_name: str | None = None
               ) -> SchoolProtocol:
    if school_name is None:
        school = await s.get(School, school_id)
        school_name = school.name if school else ""
    row = await s.get(SchoolSetting, (school_id, SETTING_KEY))
    return SchoolProtocol.from_setting(row.value if row else None, school_name)


async def save(s: AsyncSession, school_id: int, protocol: SchoolProtocol) -> None:
    row = await s.get(SchoolSetting, (school_id, SETTING_KEY))
    if row is None:
        s.add(SchoolSetting(school_id=school_id, key=SETTING_KEY, value=protocol.to_setting()))
    else:
        row.value = protocol.to_setting()


def validate(name: str, articles: dict[str, str]) -> list[str]:
    """Dutch problems with a submitted protocol (empty: fine)."""
    problems = []
    if not name.strip():
        problems.append("Vul de naam van het protocol in.")
    elif len(name) > MAX_NAME:
        problems.append(f"De naam van het protocol is te lang (maximaal {MAX_NAME} tekens).")
    topics = {r.key: r.topic for r in rules()}
    for key, value in articles.items():
        if key not in topics:
            continue
        if len(value) > MAX_ARTICLE:
            problems.append(f"Het artikel bij '{topics[key]}' is te lang (maximaal "
                            f"{MAX_ARTICLE} tekens).")
        elif _ANY_REF.search(value) or re.search(r"[<>{}]", value):
            problems.append(f"Het artikel bij '{topics[key]}' kan zo niet: gebruik het nummer "
                            "uit het eigen protocol, bijvoorbeeld A.4.")
    return problems
