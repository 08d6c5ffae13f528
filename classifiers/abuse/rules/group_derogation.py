"""Derogation of a protected group: derogatory and dehumanising words near a group,
a group put forward and then rejected ("Homo's in ons team? Echt niet."), and slurs."""

from __future__ import annotations

from classifiers.abuse.analysis import Analysis, Tok
from classifiers.abuse.rules.base import (
    GENERALISING,
    HITS,
    LESSENERS,
    NEGATORS,
    POSSESSIVES,
    VOCATIVE,
    Hit,
)
from classifiers.abuse.rules.group_stance import (
    DEROGATORY,
    generalisation_negated,
    hate_noun,
    modifies_thing,
    negation_on_other,
    nothing_after,
    opinion_negated,
    treated_as,
)
from classifiers.abuse.rules.stance import Stance, denied_in_sentence
from classifiers.abuse.rules.targets import (
    Targets,
    names_someone,
    predicate_of_person,
    self_identified,
)
from classifiers.abuse.words import W

# before "mensen" as the subject of a clause ("dat mensen X haten"), not its predicate
# ("het zijn geen mensen, die X")
SUBJECT_BEFORE = W.set("subject_before")
PEOPLE_WORDS = W.set("people_words")
NIET_EENS = W.list("niet_eens")
_GROUP = HITS["group"]


class GroupRule:
    """Derogation or dehumanisation of a protected group, including pronoun references
    across sentences ("Ik ken veel moslims. Het zijn allemaal ...")."""

    REACH = 6  # tokens between the group and the derogatory word
    CLAUSE_REACH = 10  # ... or this many within one clause ("sinds die X hier wonen ...")

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        for s, (start, end) in enumerate(an.sentences):
            if not targets.group[s]:
                continue
            sentence = an.toks[start:end]
            if not any(t.tags and self._may_derogate(t) for t in sentence):
                continue  # a hit needs a derogatory or positive word: skip the tests below
            groups = [t for t in sentence if t.tags and t.has("group", "gref")]
            if any(generalisation_negated(an, g) for g in groups):
                continue
            if opinion_negated(sentence, groups):
                continue
            # "mijn vader zegt dat X ... en hij heeft gelijk": "hij" is the source, not a target
            personal = targets.person[s] and not stance.endorsed(s) and names_someone(
                sentence, an.text
            )
            group_idx = [g.index for g in groups]
            for t in sentence:
                if not t.tags and not t.curse_prefix:
                    continue  # a word the lexicon does not know is neither derogatory nor posadj
                if t in groups and (not t.has(*DEROGATORY) or t.has("gnoun")):
                    continue  # "die lui" refers to the group; it says nothing of it
                if t.has("hateverb") and hate_noun(an, t):
                    continue
                if modifies_thing(an, t):
                    continue
                distance = min(abs(t.index - g) for g in group_idx)
                # the longer reach only forwards: a predicate after its subject
                same_clause = any(g.clause == t.clause and g.index < t.index for g in groups)
                if distance > self.REACH and not (same_clause and distance <= self.CLAUSE_REACH):
                    continue
                derogatory = t.has(*DEROGATORY) or (t.curse_prefix and t.has("group"))
                negated = stance.negated(t, 4)
                if t.has("posadj") and not t.has(*DEROGATORY):
                    if (t.lemma in PEOPLE_WORDS and t.index < min(group_idx) and t.index
                            and an.toks[t.index - 1].lemma in SUBJECT_BEFORE):
                        continue  # "ik snap niet dat mensen X haten": the subject, not denied
                    # "minder slim" denies the quality like "niet slim" does; "niet minder
                    # waard" denies the denial and is no derogation.
                    before = [x.lemma for x in an.toks[max(0, t.index - 2) : t.index]]
                    if t.index > 0 and an.toks[t.index - 1].lemma in LESSENERS:
                        denied = not stance.negated(an.toks[t.index - 1], 4)
                    elif before == NIET_EENS:
                        denied = True  # "X zijn niet eens mensen"
                    else:
                        denied = negated and not negation_on_other(an, t)
                    if not denied:
                        continue
                elif not derogatory or negated or (t.has("negverb") and nothing_after(an, t)):
                    continue
                near = min(groups, key=lambda g: abs(g.index - t.index))
                if stance.reported(t) or stance.reported(near):
                    continue
                if self_identified(sentence, near):
                    continue
                if t.has("npgroup"):
                    continue
                if personal and not t.has("slur", "dehum", "hateverb"):
                    continue  # an insult of one person who happens to be named with a group
                # "X zijn geen mensen" denies that they are human: dehumanisation
                dehum = t.has("dehum") or (t.lemma in PEOPLE_WORDS and t.has("posadj"))
                if dehum and treated_as(sentence):
                    continue
                subtype = "dehumanisation" if dehum else "derogation"
                if t in groups and t.has("slur"):
                    subtype = "slur"  # "wijven": the group word is itself the slur
                strong = dehum or t.has("slur", "hateverb")
                hits.append(_GROUP.hit(
                    [near, t], f"group.{subtype}", subtype=subtype,
                    severity=_GROUP.extra["strong_severity"] if dehum else _GROUP.severity,
                    score=_GROUP.extra["strong_score"] if strong else _GROUP.score,
                ))
        hits.extend(self._neighbour_dehumanisation(an, stance, targets))
        return hits

    def _neighbour_dehumanisation(
        self, an: Analysis, stance: Stance, targets: Targets
    ) -> list[Hit]:
        """"Ze zeggen dat X mensen zijn. Ik zie alleen vee.", "Het AZC is een kooi vol
        beesten. En dan zetten ze die X naast onze school.": a generalised dehumanising word
        in a sentence next to one that names the group, with nobody else in sight."""
        hits: list[Hit] = []
        n = len(an.sentences)
        for i in an.positions.get("dehum", ()):
            t = an.toks[i]
            s = t.sentence
            if targets.group[s] or targets.you[s] or targets.person[s] or t.has("npgroup"):
                continue
            if not i or an.toks[i - 1].lemma not in GENERALISING:
                continue
            if stance.negated(t, 4) or stance.reported(t):
                continue
            near = [k for k in (s - 1, s + 1) if 0 <= k < n and targets.group[k]]
            if not near:
                continue
            start, end = an.sentences[near[0]]
            group = next(g for g in an.toks[start:end] if g.has("group", "gref"))
            if group.has("npgroup"):
                continue
            hits.append(
                HITS["group.dehumanisation.neighbour"].hit([group, t])
            )
        return hits

    @classmethod
    def _may_derogate(cls, t: Tok) -> bool:
        """Can this word be the derogatory (or denied positive) word of a hit below?"""
        return t.has(*DEROGATORY, "posadj") or bool(t.curse_prefix and t.has("group"))


# an emphatic "no" to the idea of a group somewhere ("Homo's in ons team? Over mijn lijk.")
REJECTIONS = W.phrases("rejections")
WELCOMING = W.set("welcoming")
QUESTION_VERBS = W.set("question_verbs")


class GroupRejectionRule:
    """A group put forward in a short question or phrase and then rejected: "Transgenders in
    de kleedkamer? Echt niet.", "Gehandicapten? Niet in mijn team." (exclusion); a member
    of a group in a role, then a bad outcome: "Een X als leraar? Dan leert je kind niks."
    (derogation; "Een vrouw als premier? Waarom niet!" is none)."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        for s in range(len(an.sentences) - 1):
            sentence = an.sentence_toks(s)
            groups = [
                t for t in sentence[:3]
                if t.tags and t.has("group", "slur") and not t.has("npgroup")
            ]
            if not groups or len(sentence) > 8 or stance.reported(groups[0]):
                continue
            if sentence[0].has("benign") or sentence[0].lemma in QUESTION_VERBS:
                continue  # "Zijn er homo's in je klas? Nee, ..." asks a question
            reply_toks = an.sentence_toks(s + 1)
            reply = [t.lemma for t in reply_toks][:4]
            if any(tuple(reply[: len(r)]) == r for r in REJECTIONS):
                hits.append(
                    HITS["group.rejected"].hit([groups[0], reply_toks[0]])
                )
                continue
            # "Een X als leraar? Dan leert je kind niks.": a role for a group, then a bad end
            lemmas = [t.lemma for t in sentence]
            as_role = "als" in lemmas and lemmas.index("als") > lemmas.index(groups[0].lemma)
            if not as_role or (reply[:1] and reply[0] in WELCOMING):
                continue
            bad = [t for t in reply_toks if t.lemma in NEGATORS - {"minder"}
                   or t.has("negadj", "negnoun", "insult", "dehum", "negverb")]
            if bad and not any(stance.negated(t, 3) for t in bad if t.tags):
                hits.append(
                    HITS["group.role.reply"].hit([groups[0], bad[0]])
                )
        return hits


_COUNTING = W.set("counting")
ORDINARY_ARTICLES = W.set("ordinary_articles")


def _ordinary_reading(an: Analysis, t: Tok, prev: Tok | None) -> bool:
    """A slur that is also an ordinary word reads as that word after a possessive, an
    article or a count ("mijn nicht", "de potten", "twee potten"), or next to things."""
    ordinary_before = POSSESSIVES | ORDINARY_ARTICLES | _COUNTING
    if prev is not None and prev.sentence == t.sentence and (
        prev.lemma in ordinary_before or prev.lemma.isdigit()
    ):
        # ... but "Lotte is echt een pot", "jij bent zo'n nicht": said of a person
        return not (prev.lemma == "een" and predicate_of_person(an, prev))
    return any(x.has("thing") for x in an.sentence_toks(t.sentence))


PLURAL_ENDINGS = W.seq("plural_endings")


class SlurRule:
    """A slur for a group: discrimination wherever it is used, unless quoted or rejected."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        for t in an.tagged:
            slur = t.has("slur") or (t.curse_prefix and t.has("group"))
            if not slur:
                continue
            if stance.reported(t):
                continue
            slur_severity = max((e.severity for e in t.entries if e.kind == "slur"), default=0)
            strong = slur_severity >= 3 or bool(t.curse_prefix)
            if stance.negated(t) or denied_in_sentence(an, t):
                continue  # "je bent geen mongool", "niemand vindt jou een mongool"
            if not t.has("group") and any(
                generalisation_negated(an, g)
                for g in an.sentence_toks(t.sentence) if g.has("group") and g.index < t.index
            ):
                continue  # "niet iedere Marokkaan is een <slur>": a denied generalisation
            prev = an.toks[t.index - 1] if t.index else None
            if t.has("homonym") and _ordinary_reading(an, t, prev):
                continue  # "mijn nicht komt logeren", "twee potten jam": the ordinary word
            plural = t.lemma.endswith(PLURAL_ENDINGS)  # "die spassers": a slur for the group
            if t.has("plain_insult") and not plural and not targets.group[t.sentence]:
                continue  # "hou je bek mongool": a general insult here (InsultRule's)
            if prev is not None and prev.sentence == t.sentence and prev.lemma in VOCATIVE:
                # "Hé mietje, ...": a slur used to address someone
                hits.append(HITS["slur.vocative"].hit([t]))
                continue
            if not strong and not plural and not targets.group[t.sentence]:
                # "jij vuile mongool": a slur thrown at a person is hateful as well as an
                # insult (HateCheck); without a target it may be a word for a thing or act
                aim = targets.aimed(t)
                if aim not in {"you", "person", "exclaim"}:
                    continue
                hits.append(HITS["slur.aimed"].hit([t], f"slur.{aim}"))
                continue
            slur = HITS["slur"]
            hits.append(slur.hit([t], score=slur.extra["strong_score"] if strong else None))
        return hits
