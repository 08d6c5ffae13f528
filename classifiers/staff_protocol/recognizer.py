"""Staff protocol rules (category `protocol`), driven by data/rules.yaml and doc.context.

- missing_disclaimer: a private account (the author is staff) gives an opinion about the
  school, its policy, colleagues or pupils without saying it is a personal opinion
  (001 C.3, 002 C.4). Only on the account types that data/rules.yaml names (private): this
  is the one place that decides it, for a draft check and for ingested comments alike.
  Suggestion: the text plus a disclaimer.
- confidential: meetings, files, personnel matters, "vertrouwelijk" (001 C.1, 000 D.6).
- quoting_colleague: "zoals juf Anja zei", "mijn collega zei in de personeelskamer" (004).
- private_contact: staff inviting pupils to a private channel (001 A.6, 000 D.1).
- heated_discussion: arguing back at an angry message in context.reply_to (004, 003 B.4).
These are rules for staff: they judge a text only when its author is known to be staff
(context.author_role "staff", set by /api/v1/check for every draft, or "page", the school's
own account; without a role, a text meant for an official or a private account is a
staff draft). A pupil, a parent, a member of the public under an official post, or a text
without any context ("meneer de Boer zei vandaag ..." in a pupil's chat) is not judged by
them.
"""

from __future__ import annotations

import re

from classifiers.categories import Severity
from classifiers.document import Context, Document
from classifiers.judgement import Finding, Span
from classifiers.recognizer import Recognizer, register
from classifiers.staff_protocol.rules import Rule, load_rules, lower_same_length

CATEGORY = "protocol"
# the school's own staff: a draft checked by a signed-in staff member (/api/v1/check sets
# "staff"), or a reply from the school's own account ("page")
_STAFF = {"staff", "page"}
_STAFF_ACCOUNTS = {"official", "private"}
_CAPS_WORD = re.compile(r"\b[A-Z]{4,}\b")


def _sentence_before(text: str, pos: int) -> str:
    """The part of the sentence that precedes position `pos`."""
    start = max(text.rfind(c, 0, pos) for c in ".!?\n") + 1
    return text[start:pos]


def _severity(score: float) -> Severity:
    if score >= 0.75:
        return Severity.HIGH
    if score >= 0.5:
        return Severity.MEDIUM
    return Severity.LOW


def _by_staff(ctx: Context) -> bool:
    """Known to be written by staff: the role says so, or no role is given and the text is
    meant for one of the school's accounts or a staff member's private account."""
    if ctx.author_role is None:
        return ctx.account_type in _STAFF_ACCOUNTS
    return ctx.author_role in _STAFF


class StaffProtocolRecognizer(Recognizer):
    name = "staff_protocol"

    def __init__(self, rules: dict[str, Rule] | None = None) -> None:
        self.rules = rules or load_rules()

    def analyze(self, doc: Document) -> list[Finding]:
        ctx = doc.context
        if not _by_staff(ctx):
            return []
        text = doc.text
        low = lower_same_length(text)
        findings = [
            self._disclaimer(text, low, ctx.account_type),
            self._confidential(low),
            self._quoting(low),
            self._private_contact(low),
            self._heated(low, ctx.reply_to),
        ]
        return [f for f in findings if f is not None]

    def _finding(
        self, rule: Rule, score: float, spans: list[Span], suggestion: str | None = None
    ) -> Finding:
        return Finding(
            category=CATEGORY,
            subtype=rule.subtype,
            score=score,
            severity=_severity(score),
            spans=sorted(set(spans)),
            reason=rule.reason_nl,
            reason_en=rule.reason_en,
            protocol_ref=rule.protocol_ref,
            suggestion=suggestion if suggestion is not None else rule.suggestion,
            source=self.name,
        )

    def _disclaimer(self, text: str, low: str, account_type: str) -> Finding | None:
        rule = self.rules["missing_disclaimer"]
        if account_type not in rule.extra["account_types"] or rule.search("disclaimer", low):
            return None
        school = rule.finditer("school", low)
        if not school:
            return None
        negative = rule.finditer("opinion", low)
        positive = rule.finditer("positive", low)
        if negative:
            score, marks = rule.scores["score_negative"], negative
        elif positive:
            score, marks = rule.scores["score_positive"], positive
        else:
            score, marks = rule.scores["score_plain"], []
        spans = [Span(m.start(), m.end()) for m in school + marks]
        suggestion = text.rstrip() + rule.extra["disclaimer_sentence"]
        return self._finding(rule, score, spans, suggestion)

    def _confidential(self, text: str) -> Finding | None:
        rule = self.rules["confidential"]
        strong = rule.finditer("strong", text)
        topic = rule.finditer("topic", text)
        secrecy = rule.finditer("secrecy", text)
        if secrecy and (topic or rule.search("internal", text)):
            strong += secrecy
        if strong:
            score = rule.scores["score_strong"]
        elif secrecy:
            score, topic = rule.scores["score_secrecy"], secrecy
        elif topic and rule.search("disclosure", text) and not rule.search("public", text):
            score = rule.scores["score_topic_disclosed"]
        elif topic:
            score = rule.scores["score_topic"]
        else:
            return None
        return self._finding(rule, score, [Span(m.start(), m.end()) for m in strong + topic])

    def _quoting(self, text: str) -> Finding | None:
        rule = self.rules["quoting_colleague"]
        hits = rule.finditer("patterns", text)
        if not hits:
            return None
        quoted = any(q in text for q in ('"', "“", "”", "'", "‘", "’", ":"))
        score = rule.scores["score_with_quote" if quoted else "score"]
        return self._finding(rule, score, [Span(m.start(), m.end()) for m in hits])

    def _private_contact(self, text: str) -> Finding | None:
        rule = self.rules["private_contact"]
        hits = [
            m
            for m in rule.finditer("patterns", text)
            if not rule.search("negation", _sentence_before(text, m.start()))
        ]
        if not hits:
            return None
        score = rule.scores["score_pupils" if rule.search("pupil", text) else "score"]
        return self._finding(rule, score, [Span(m.start(), m.end()) for m in hits])

    def _heated(self, text: str, reply_to: str | None) -> Finding | None:
        rule = self.rules["heated_discussion"]
        if rule.search("calm", text):
            return None
        argue = rule.finditer("argue", text)
        angry = bool(reply_to) and (
            rule.search("angry", lower_same_length(reply_to)) is not None
            or len(_CAPS_WORD.findall(reply_to)) >= 2
        )
        if angry:
            argue += rule.finditer("tone", text)  # the tone only counts in reply to anger
        if not argue:
            return None
        if angry:
            score = rule.scores["score"]
        elif rule.search("address", text):
            score = rule.scores["score_addressed"]
        else:
            score = rule.scores["score_no_reply_to"]
        return self._finding(rule, score, [Span(m.start(), m.end()) for m in argue])


register(StaffProtocolRecognizer)
