"""The stance guards, in one place: when the rules found no abuse of a category, a guard
(a finding with score 0) tells the scorer to damp the learned model's score for it
(classifiers/pipeline.py multiplies it by GUARD_FACTOR, the same for every guard). Their
kinds of words are data: rules.yaml, section guards.

The benign group mention lives here whole: a text that only mentions a group (no loaded
word: rules.yaml guards.loaded; no cautionary word: words.yaml caution; and a sign of a
benign framing: lexicon kind "benign" in terms.tsv, a positive word, self-identification,
a question about identity, belonging, several groups listed) is not discrimination, and
the model may not flag "Christenen vieren Pasen" on its own."""

from __future__ import annotations

import itertools

from classifiers.abuse.analysis import Analysis, Tok
from classifiers.abuse.rules.base import Hit, config
from classifiers.abuse.rules.filters import FLAG_LINE
from classifiers.abuse.rules.group_stance import (
    LOADED,
    past_violence,
    procedure_described,
    thing_described,
)
from classifiers.abuse.rules.stance import banter, denied_after, intensifies, is_question
from classifiers.abuse.rules.targets import self_identified
from classifiers.abuse.words import W
from classifiers.categories import Severity
from classifiers.judgement import Finding, Span

# words that make a text more than a plain mention even without a loaded word: a frame that
# turns a positive word ("alleen goed voor het huishouden", "ik hou niet van ...": a negated
# positive is no benign mention)
_CAUTION = W.set("caution")
BELONG = W.set("belong")


def _belongs(lemmas: list[str], i: int) -> bool:
    """"X horen er (gewoon) bij", "hoort erbij": a group said to belong."""
    before = lemmas[max(0, i - 3) : i]
    return not BELONG.isdisjoint(before) and (lemmas[i] == "erbij" or "er" in before)


BELONG_PARTICLES = W.set("belong_particles")


def benign_group_mention(an: Analysis) -> list[Tok]:
    """The text only mentions a group: no loaded word anywhere, and a sign of a benign
    framing (a positive word, a celebration, a victim, daily life: lexicon kind "benign"),
    or the people named are a group that is not protected, or the group adjective describes
    a thing ("het Surinaamse restaurant was vies"). Returns the tokens that show it (empty
    when it does not hold). Past violence ("werden vergast in de oorlog") is history, not a
    loaded word. Used to keep the learned model from flagging plain mentions of a group."""
    toks = an.toks
    groups = [t for t in toks if t.tags and t.has("group", "gref", "slur")]
    lemmas = [t.lemma for t in toks]
    if groups and not any(t.tags & LOADED for t in toks):
        for g in groups:
            sentence = an.sentence_toks(g.sentence)
            if procedure_described(sentence):
                # "X moeten terug naar hun land als hun aanvraag wordt afgewezen"
                return [g, *(t for t in sentence if t.has("procedure"))]
    if not _CAUTION.isdisjoint(lemmas) or any(
        a == "te" and b == "veel" for a, b in itertools.pairwise(lemmas)
    ):
        return []
    if not groups:
        # "Politici zijn parasieten", "het Surinaamse restaurant was vies": no protected
        # group of people in sight, whatever is said
        return [t for t in toks if t.tags and t.has("npgroup", "gthing")]
    for t in toks:
        if t.curse_prefix or (t.tags & LOADED and not past_violence(an, t)):
            return []
    things = [thing_described(an, g) for g in groups]
    if all(things):
        # "Die Marokkaanse tajine is altijd te heet": every group word describes a thing
        return [groups[0], *(t for t in things if t is not None)]
    signs = [
        t for t in toks
        if t.tags and (t.has("benign") or (t.has("posadj") and not t.has("gnoun")))
    ]
    signs += [g for g in groups if self_identified(an.sentence_toks(g.sentence), g)]
    signs += [g for g in groups if _identity_asked(an, an.sentence_toks(g.sentence))]
    signs += [t for t in toks if t.lemma in BELONG_PARTICLES and _belongs(lemmas, t.index)]
    if not signs:
        signs = _enumerated_groups(toks, groups)
    return [*groups[:1], *signs] if signs else []


IDENTITY_QUESTION_VERBS = W.set("identity_question_verbs")


def _identity_asked(an: Analysis, sentence: list[Tok]) -> bool:
    """"Ben jij ook moslim?", "Is Daan joods?": a yes/no question about who someone is."""
    return (
        sentence[0].lemma in IDENTITY_QUESTION_VERBS
        and any(t.has("you", "name", "pron3s") for t in sentence)
        and is_question(an, sentence)
    )


LIST_CONJUNCTIONS = W.set("list_conjunctions")


def _enumerated_groups(toks: list[Tok], groups: list[Tok]) -> list[Tok]:
    """"In onze klas zitten moslims, christenen en joden": several different groups listed
    side by side (with nothing loaded in the text) describe who is there."""
    listed = [g for g in groups if g.has("group")]
    if len({g.lemma for g in listed}) < 2:
        return []
    first, last = listed[0].index, listed[-1].index
    listed_together = any(t.lemma in LIST_CONJUNCTIONS for t in toks[first:last])
    if listed_together and last - first <= 2 * len(listed):
        return listed[1:]
    return []


# loaded words that a denial after a question takes back ("Jij een loser? Echt niet.")
DENIABLE = frozenset(config().section("guards")["deniable"])
# the categories whose rules have a say over the learned model's score
GUARDED = ("bullying", "discrimination")


def guards(an: Analysis, hits: list[Hit], category: str, source: str) -> list[Finding]:
    """The stance guards of a category (score 0): when the rules found no abuse of it, they
    tell the scorer (classifiers/pipeline.py) to damp the learned model's score for it.

    - benign group mention (discrimination, no discrimination hit at all): "Christenen
      vieren Pasen" (`benign_group_mention`);
    - denial (no hit of the category at the flag line): "Jij een loser? Nee joh.";
    - intensifier (idem): "Je bent gestoord goed op die gitaar";
    - banter (bullying, idem): "jij gekkie 😂 tot morgen"."""
    out: list[Finding] = []
    if category == "discrimination" and not any(h.category == category for h in hits):
        toks = benign_group_mention(an) if an.toks else []
        out.extend(_guard(category, "guard:group_benign", toks, source))
    if category in GUARDED and not any(
        h.category == category and h.score >= FLAG_LINE for h in hits
    ):
        denied = [t for t in an.tagged if t.tags & DENIABLE and denied_after(an, t)]
        out.extend(_guard(category, "guard:denied", denied, source))
        praise = [t for t in an.tagged if t.has("negadj") and intensifies(an, t)]
        out.extend(_guard(category, "guard:intensifier", praise, source))
        if category == "bullying":
            teasing = [t for t in an.toks if banter(an, t)]
            out.extend(_guard(category, "guard:banter", teasing, source))
    return out


def _guard(category: str, subtype: str, toks: list[Tok], source: str) -> list[Finding]:
    """A stance guard (score 0) over the tokens that show it; none without tokens."""
    if not toks:
        return []
    spans = sorted({Span(t.start, t.end) for t in toks})
    return [Finding(category, subtype, 0.0, Severity.LOW, spans, "", "", source=f"{source}:guard")]


# lexicon kinds of a stance word: a quote, counter-speech, health talk, an object, a negation
STANCE = frozenset(config().section("guards")["stance"])


def stance_guards(an: Analysis, flagged: set[str]) -> list[Finding]:
    """The stance guard (source "stance"), added by the scorer when a learned model scores:
    stance words in the text guard each of bullying and discrimination that no recognizer's
    rule flagged (`flagged`: the categories with a rule finding above 0)."""
    open_cats = [c for c in GUARDED if c not in flagged]
    if not open_cats:
        return []
    stance = [t for t in an.tagged if not t.tags.isdisjoint(STANCE)]
    if not stance:
        return []
    spans = [Span(t.start, t.end) for t in stance]
    return [
        Finding(cat, "guard:stance", 0.0, Severity.LOW, spans, "", "", source="stance")
        for cat in open_cats
    ]
