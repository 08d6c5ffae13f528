"""The filters that run over all hits after the rules, in the order of data/rules.yaml
(section filters): denied discrimination, the group upgrade, safety advice, curses inside
aimed abuse, a team's boast about a game, and one bullying subtype per act."""

from __future__ import annotations

import re
from collections.abc import Callable

from classifiers.abuse.analysis import Analysis
from classifiers.abuse.rules.base import Hit, config
from classifiers.abuse.rules.group_stance import opinion_negated, procedure_described
from classifiers.abuse.rules.stance import Stance
from classifiers.abuse.words import W

# the bullying subtypes a safety message names in order to warn (rules.yaml, safety_advice)
ADVISED_SUBTYPES = frozenset(config().section("safety_advice")["subtypes"])
_UPGRADE = config().section("group_upgrade")
_RESOLVE = config().section("bullying_subtypes")


def drop_safety_advice(an: Analysis, hits: list[Hit]) -> list[Hit]:
    """A text that points to help or the law (lexicon kind "helpline": Kindertelefoon,
    Helpwanted, vertrouwenspersoon, strafbaar, grooming, sexting) describes harassment to
    warn against it: its bullying hits of those subtypes are dropped."""
    if not an.positions.get("helpline"):
        return hits
    return [h for h in hits if not (h.category == "bullying" and h.subtype in ADVISED_SUBTYPES)]


def drop_aimed_profanity(hits: list[Hit]) -> list[Hit]:
    """A curse inside an insult, threat or death wish ("krijg de tering") is part of that
    abuse, not swearing of its own: keep the profanity hit only for untargeted words."""
    covered: set[tuple[int, int]] = set()
    for h in hits:
        if h.category != "profanity" and h.score >= FLAG_LINE:
            first, last = h.toks[0].index, h.toks[-1].index
            sentences = {t.sentence for t in h.toks}
            covered.update(
                (i, s) for i in range(min(first, last) - 1, max(first, last) + 2) for s in sentences
            )
    return [
        h for h in hits
        if h.category != "profanity" or (h.toks[0].index, h.toks[0].sentence) not in covered
    ]


def group_upgrade(an: Analysis, stance: Stance, hits: list[Hit]) -> list[Hit]:
    """A threat or exclusion of a person because of their group ("Fleur is jood, dus die
    krijgt klappen") is discrimination as well as bullying: the hits so far, plus one
    discrimination hit per such bullying hit (rules.yaml, group_upgrade)."""
    group_toks = [t for t in an.tagged if t.has("group") and not t.has("npgroup")]
    if not group_toks:
        return hits
    subtypes: dict[str, str] = _UPGRADE["subtypes"]
    extra: list[Hit] = []
    for h in hits:
        if h.category != "bullying" or h.subtype not in subtypes:
            continue
        s = h.toks[0].sentence
        near = [g for g in group_toks if g.sentence in {s, s - 1}]
        if not near or any(stance.reported(g) for g in near):
            continue
        extra.append(
            Hit("discrimination", subtypes[h.subtype], h.severity,
                h.score - _UPGRADE["score_less"], [near[0], *h.toks], f"upgrade.{h.rule}")
        )
        # aimed at someone *because of* the group: discrimination, not a personal feud
        h.score = min(h.score, _UPGRADE["personal_cap"])
    return hits + extra


HISTORY = W.set("history")
PAST_MODALS = W.set("past_modals")


def drop_denied_discrimination(an: Analysis, hits: list[Hit]) -> list[Hit]:
    """A discrimination pattern inside a denied claim ("ik zou nooit willen dat X het land
    uit moeten", "het is niet zo dat X ...") is no discrimination, and neither is a rule of
    a faith stated as one ("moslims mogen tijdens de ramadan niet eten")."""
    out: list[Hit] = []
    for h in hits:
        if h.category == "discrimination":
            sentence = an.sentence_toks(h.toks[0].sentence)
            groups = [t for t in sentence if t.tags and t.has("group", "gref")]
            if groups and opinion_negated(sentence, groups):
                continue
            if h.subtype == "exclusion" and any(t.has("practice") for t in sentence):
                continue  # "Joden mogen op sabbat niet werken": a rule of their faith
            lemmas = {t.lemma for t in sentence}
            if h.subtype == "exclusion" and lemmas & HISTORY and lemmas & PAST_MODALS:
                continue  # "Vroeger mochten vrouwen niet stemmen": history, not a demand
            if h.subtype == "exclusion" and procedure_described(sentence):
                continue  # "X moeten terug als hun aanvraag wordt afgewezen": the law
        out.append(h)
    return out


TARGET_TAGS = frozenset({"you", "name", "person", "pron3s", "pron3p"})


def _emoji_only(an: Analysis, h: Hit) -> bool:
    """A hit whose abusive word is an emoji (🔪, 🤡): weaker evidence than words."""
    content = [t for t in h.toks if not (t.tags and t.tags <= TARGET_TAGS)]
    return any(not an.text[t.start : t.start + 1].isalnum() for t in content)


# When several bullying rules fire on one text, the teacher sees one subtype: the most
# specific. A generic insult word inside a death wish, an exclusion or a humiliation is part
# of that act ("rot op en krijg de tyfus", "niemand wil naast jou zitten, sukkel").
BULLYING_SPECIFICITY: dict[str, int] = _RESOLVE["specificity"]
# below the flag threshold: the hit still shows in the scores, not the flag
DEMOTED_SCORE: float = _RESOLVE["demoted_score"]
FLAG_LINE: float = _RESOLVE["flag_line"]


def resolve_bullying_subtypes(an: Analysis, hits: list[Hit]) -> list[Hit]:
    """Keep the most specific bullying subtype above the flag line; demote the others.

    A disease-curse compound aimed at a person ("kankerhoer", "tyfuslijer") is a death wish by
    the labelling rules (classifiers/data/README.md), not a plain insult. An adjective that
    modifies an insult noun ("lelijke trol", "zielig mannetje") is part of that insult, so
    the body/attribute reading of the adjective gives way."""
    bullying = [h for h in hits if h.category == "bullying" and h.score >= FLAG_LINE]
    if not bullying:
        return hits
    insult_idx = {h.toks[0].index for h in bullying if h.subtype == "insult"}
    for h in bullying:
        last = h.toks[-1]
        adjective = last.has("body", "negadj") and not last.has("insult")
        if h.subtype == "humiliation" and adjective and last.index + 1 in insult_idx:
            h.score = DEMOTED_SCORE  # "lelijke trol": the insult carries it

    def rank(h: Hit) -> tuple[int, int, float]:
        return (0 if _emoji_only(an, h) else 1, BULLYING_SPECIFICITY.get(h.subtype, 0), h.score)

    live = [h for h in bullying if h.score >= FLAG_LINE]
    if not live:
        return hits
    # per clause: an insult in its own clause next to an exclusion ("zo'n mongool, niemand
    # wil jou in de klas") is a second act and keeps its own subtype
    by_clause: dict[int, list[Hit]] = {}
    for h in live:
        for clause in {t.clause for t in h.toks}:
            by_clause.setdefault(clause, []).append(h)
    for h in live:
        rivals = {id(o): o for c in {t.clause for t in h.toks} for o in by_clause[c] if o is not h}
        if any(o.subtype != h.subtype and rank(h)[:2] < rank(o)[:2] for o in rivals.values()):
            h.score = min(h.score, DEMOTED_SCORE)
    return hits


GAME_CUES = W.set("game_cues")
GAME_SUBJECTS = W.set("game_subjects")
GAME_ARENA = W.set("game_arena")
_SCORELINE = re.compile(r"\b\d{1,2}\s?-\s?\d{1,2}\b")


def drop_game_boasts(an: Analysis, hits: list[Hit]) -> list[Hit]:
    """"we gaan ze inmaken", "volgend debat maken we jullie af": a team boasting before or
    after a match, a debate or a snowball fight speaks of winning, not of harm. A bullying
    threat is dropped when the text is about a game (lexicon: game_cues, or a score like
    12-0) and its own sentence has "we" as its speaker or names the game it is played in
    ("ik sloop je vanavond met fifa", "in bedwars"); "ik maak je af", "na de wedstrijd maak
    ik je af" and "we maken je af na school" stay threats."""
    if not any(h.category == "bullying" and h.subtype == "threat" for h in hits):
        return hits
    if not (_SCORELINE.search(an.text) or any(t.lemma in GAME_CUES for t in an.toks)):
        return hits

    def boast(h: Hit) -> bool:
        sentences = {t.sentence for t in h.toks}
        toks = an.toks
        return any(
            t.lemma in GAME_SUBJECTS
            or (t.lemma in GAME_CUES and any(
                x.lemma in GAME_ARENA for x in toks[max(0, t.index - 3) : t.index]))
            for t in toks if t.sentence in sentences)

    return [h for h in hits
            if not (h.category == "bullying" and h.subtype == "threat" and boast(h))]


# The filters by the names rules.yaml gives them; each takes the hits so far and returns the
# hits that stay (the same list or a new one).
Filter = Callable[[Analysis, Stance, list[Hit]], list[Hit]]
FILTERS: dict[str, Filter] = {
    "drop_denied_discrimination": lambda an, stance, hits: drop_denied_discrimination(an, hits),
    "group_upgrade": group_upgrade,
    "drop_safety_advice": lambda an, stance, hits: drop_safety_advice(an, hits),
    "drop_aimed_profanity": lambda an, stance, hits: drop_aimed_profanity(hits),
    "resolve_bullying_subtypes": lambda an, stance, hits: resolve_bullying_subtypes(an, hits),
    "drop_game_boasts": lambda an, stance, hits: drop_game_boasts(an, hits),
}
