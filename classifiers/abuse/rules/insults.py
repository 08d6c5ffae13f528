"""Insults of one person: a term of abuse aimed at the reader or a named person, a group
word thrown as an insult, a negative attribute ("jij bent zo dom"), and laughing at
someone's mishap or looks (humiliation)."""

from __future__ import annotations

import itertools

from classifiers.abuse.analysis import Analysis, Tok
from classifiers.abuse.rules.base import HITS, Hit
from classifiers.abuse.rules.stance import (
    Stance,
    banter,
    denied_after,
    denied_in_sentence,
    intensifies,
    rhetorical_negation,
    told_to_stop,
)
from classifiers.abuse.rules.targets import (
    PERSON_REF_TAGS,
    POSSESSIVE_3S,
    Targets,
    copula_with_target,
    is_target,
    said_of_self,
    self_identified,
    speaker_only,
)
from classifiers.abuse.words import W

_GOING_MAD = W.set("going_mad")
_INSULT = HITS["insult"]


ROLE_CHARACTERS = W.set("role_characters")
ROLE_CUES = W.set("role_cues")
ROLE_MARKERS = W.set("role_markers")


def _plays_a_role(an: Analysis, t: Tok) -> bool:
    """A character word ("heks", "tovenaar") names a role in a play, a story or a costume:
    after "als" or "de" ("daan als heks", "de heks was lotte"), or anywhere in a text about
    a play or dressing up ("de rol van de heks", "Castlijst: Daan de heks")."""
    if t.lemma not in ROLE_CHARACTERS:
        return False
    if t.index and an.toks[t.index - 1].lemma in ROLE_MARKERS:
        return True
    return any(x.lemma in ROLE_CUES for x in an.toks)


class InsultRule:
    """A term of abuse aimed at the reader or a named person (bullying)."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        for t in an.tagged:
            insult = t.has("insult", "slur") or (t.curse_prefix and t.has("person", "group"))
            if not insult and not (t.has("dehum") and t.has("insult")):
                continue
            if t.curse_prefix and t.has("object"):
                continue
            if stance.negated(t) and not rhetorical_negation(an, t):
                continue
            if stance.reported(t) or denied_in_sentence(an, t):
                continue
            if denied_after(an, t):
                continue
            if t.lemma == "gek" and t.index and an.toks[t.index - 1].lemma in _GOING_MAD:
                continue  # "ik word gek van die printer"
            if banter(an, t):
                continue  # "jij malloot 😂": teasing between friends
            if _plays_a_role(an, t):
                continue  # "Lotte speelt de heks", "daan als heks"
            aim = targets.aimed(t)
            if aim is None and told_to_stop(an, t):
                aim = "exclaim"  # "doe niet zo mongool": said to the reader
            if aim in {"short", "exclaim"} and said_of_self(an, t):
                aim = None  # "wat een sukkel ben ik ook": the speaker, about themselves
            if aim == "short" and speaker_only(an, t):
                aim = None  # "kut, ik heb een onvoldoende": the speaker swears about themselves
            if aim == "short" and any(
                an.toks[k].sentence == t.sentence and k < t.index for k in targets.things
            ):
                aim = None  # "die opdracht van biologie is echt kut": said of a thing
            severity = max(t.severity, 3 if t.curse_prefix else 0) or 2
            if aim is None:
                hits.append(HITS["insult.untargeted"].hit([t], severity=severity))
                continue
            score = _INSULT.extra["scores_by_severity"][severity]
            if aim in {"short", "exclaim"}:
                if not an.text[t.start : t.start + 1].isalnum():
                    continue  # an emoji alone (🤡) is no target of its own
                score -= _INSULT.extra["exclaim_less"]
            subtype = "humiliation" if t.has("body") else "insult"  # "die walvis": looks
            if t.curse_prefix in DISEASE_PREFIXES or t.lemma.startswith(_DISEASE_INSULT) or (
                t.has("insult") and t.lemma.startswith(_DISEASE_HEADS) and len(t.lemma) > 8
            ):
                # "kankerhoer", "tyfuslijer": a disease curse aimed at a person (README)
                subtype = "death_wish"
            hits.append(_INSULT.hit([t], f"insult.{aim}", subtype=subtype, severity=severity,
                                    score=score))
        return hits


MOCK_TAILS = W.set("mock_tails")
MOCKED_IDENTITIES = frozenset({"disability", "orientation", "gender_identity"})
ADDRESS = W.set("address")
SUCH = W.set("such")
_KIND_WORDS = ("posadj", "benign")
IDENTITY_QUESTION_VERBS_SHORT = W.set("identity_question_verbs_short")
MOCK_OR_TAILS = W.lists("mock_or_tails")


class IdentityInsultRule:
    """A group word used as an insult at one person: "Wat een homo ben jij", "Wat ben je
    toch een autist", "Jij bent zo'n mocro", "Ben je gehandicapt ofzo?", "Doe niet zo
    homo", "jij jood!". A slur thrown at one pupil is both bullying/insult and
    discrimination/slur (classifiers/data/README.md); the identity word works as one here.
    A kind word in the sentence ("wat een mooie moslima ben jij"), self-identification,
    reported speech and negation (except in "doe niet zo ...") keep it out."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        for i in an.positions.get("group", ()):
            g = an.toks[i]
            if g.has("npgroup", "gthing") or stance.reported(g):
                continue
            sentence = an.sentence_toks(g.sentence)
            if any(t.has(*_KIND_WORDS) for t in sentence) or self_identified(sentence, g):
                continue
            frame = self._frame(an, sentence, g)
            if frame is None or (frame != "behave" and stance.negated(g, 4)):
                continue
            hits.append(HITS["identity.bullying"].hit([g], f"identity.{frame}"))
            hits.append(HITS["identity.discrimination"].hit([g], f"identity.{frame}"))
        return hits

    @staticmethod
    def _frame(an: Analysis, sentence: list[Tok], g: Tok) -> str | None:
        lemmas = [t.lemma for t in sentence]
        k = g.index - sentence[0].index  # position of the group word in the sentence
        before = lemmas[max(0, k - 3) : k]
        aimed = any(t.has(*PERSON_REF_TAGS) for t in sentence if t is not g)
        if told_to_stop(an, g):  # "doe niet zo homo", "doe nou niet zo gehandicapt"
            return "behave"
        # "jij jood!", "hé homo", "jij vieze homo": the word alone as a term of address
        if k == len(sentence) - 1 and len(sentence) <= 4 and k >= 1:
            first = k - 1 if not sentence[k - 1].has("negadj", "insult") else k - 2
            if first >= 0 and lemmas[first] in ADDRESS:
                return "vocative"
        if not aimed:
            return None
        # "wat een homo ben jij", "wat ben jij (toch) een autist"
        if lemmas[0] == "wat" and "een" in before[-2:] and copula_with_target(sentence, g):
            return "exclaim"
        # "jij bent zo'n mocro", "Daan is zo'n homo"
        if not SUCH.isdisjoint(before[-2:]) and copula_with_target(sentence, g):
            return "such"
        # "ben je gehandicapt ofzo?", "ben jij homo of zo": the identities that are thrown
        # as insults ("ben je joods of zo?" may be a real question)
        after = lemmas[k + 1 : k + 3]
        mocked = not MOCKED_IDENTITIES.isdisjoint(g.groups)
        if lemmas[0] in IDENTITY_QUESTION_VERBS_SHORT and mocked and (
            not MOCK_TAILS.isdisjoint(after[:1]) or after in MOCK_OR_TAILS
        ):
            return "mock"
        return None


DUMMY_SUBJECTS = W.set("dummy_subjects")
DUMMY_COPULAS = W.set("dummy_copulas")


def _dummy_subject(window: list[Tok]) -> bool:
    """The attribute's copula has a subject that is no person: "het is", "dat was"."""
    for k in range(len(window) - 1, 0, -1):
        if window[k].lemma in DUMMY_COPULAS:
            return window[k - 1].lemma in DUMMY_SUBJECTS
    return False


ABSENT = W.set("absent")


def _missed(an: Analysis, sentence: int) -> bool:
    """Every "jou"/"je" of the sentence follows "zonder": "het was saai zonder jou"."""
    yous = [t for t in an.sentence_toks(sentence) if t.has("you")]
    return bool(yous) and all(
        t.index and an.toks[t.index - 1].lemma in ABSENT for t in yous)


class AttributeRule:
    """"jij bent zo dom": a negative attribute given to the reader or a named person."""

    COPULA = W.set("attribute_copula")
    OPINION = W.set("attribute_opinion")

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        toks = an.toks
        for t in an.tagged:
            if not t.has("negadj", "body"):
                continue
            if t.has("group", "gref"):
                continue
            s = t.sentence
            if not (targets.you[s] or targets.person[s]) or targets.group[s]:
                continue
            window = [x for x in toks[max(0, t.index - 5) : t.index] if x.sentence == s]
            opinion = any(  # "ik vind jou echt een walgelijk mens"
                x.has("you", "name") and x.index and toks[x.index - 1].lemma in self.OPINION
                for x in window
            )
            if not any(x.lemma in self.COPULA for x in window) and not (
                window and window[-1].has("you")
            ) and not opinion:
                continue
            if _dummy_subject(window):
                continue  # "het is zo oneerlijk dat hij er niet meer is": about a situation
            if said_of_self(an, t):
                continue  # "ik ben zo slecht in Frans": the speaker, about themselves
            if _missed(an, s):
                continue  # "was saai zonder jou": the reader is missed, not put down
            if stance.negated(t, 4) or stance.reported(t) or denied_in_sentence(an, t):
                continue
            if denied_after(an, t):
                continue
            nxt = toks[t.index + 1].lemma if t.index + 1 < len(toks) else ""
            if intensifies(an, t):
                continue  # "je bent gestoord goed", "ziek mooi": the word only intensifies
            if banter(an, t):
                continue  # "jullie zijn echt gestoord met die dansjes 😂"
            if t.lemma == "ziek" and nxt != "in":
                continue  # "Jasmijn is weer ziek" is about health ("ziek in je hoofd" is not)
            subtype = "humiliation" if t.has("body") else "insult"
            hits.append(HITS["attribute"].hit([t], f"attribute.{subtype}", subtype=subtype))
        return hits


_DISEASE_INSULT = W.seq("disease_insult")
# insult words that are disease compounds in the lexicon ("kankermongool", "teringhoer")
_DISEASE_HEADS = W.seq("disease_heads")
DISEASE_PREFIXES = W.set("disease_prefixes")
COMPARISON = W.phrases("comparison")
AUDIENCE_GROUPS = W.set("audience_groups")


class LaughterRule:
    """Humiliation: laughing at a person's mishap or looks. Laughter (haha, lol, 😂) in the
    text plus, in a sentence aimed at a person (jij, a name, hij/zij, "zijn/haar"), a mishap
    (viel, huilde, gezakt) or a mocking comparison ("lijkt op een vogelnest", "net een
    clown")."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        laughs = an.positions.get("laugh", ())
        if not laughs and "audience" not in an.positions and "hele" not in an.positions:
            return []
        hits: list[Hit] = []
        toks = an.toks
        for s, (start, end) in enumerate(an.sentences):
            sentence = toks[start:end]
            cue = next((t for t in sentence if t.tags and t.has("mishap", "mock", "media")), None)
            if cue is None:
                for k in range(start, end - 1):
                    if (toks[k].lemma, toks[k + 1].lemma) in COMPARISON:
                        cue = toks[k]
                        break
            if cue is None or stance.negated(cue, 3) or stance.reported(cue):
                continue
            if denied_in_sentence(an, cue):
                continue
            if any(banter(an, t) for t in sentence):
                continue  # "haha jij gekkie, je stond in de verkeerde rij": friends teasing
            if any(t.has("posadj") for t in sentence):
                continue  # "haha die foto van jou met die vis, je kijkt zo trots": fond
            # (who it is aimed at is looked up only for a sentence with a cue: most have none)
            lo = an.sentences[s - 1][0] if s else start  # "zag je Sem zwemmen? net een ..."
            aimed = [
                t for k, t in enumerate(toks[lo:end], lo)
                if is_target(toks, k, an.text) or t.lemma in POSSESSIVE_3S
            ]
            if not aimed:
                continue
            near = [lg for lg in laughs if abs(toks[lg].sentence - s) <= 1]
            audience = cue.has("mishap") and (
                any(t.has("audience") for t in sentence)
                or any(a.lemma == "hele" and b.lemma in AUDIENCE_GROUPS
                       for a, b in itertools.pairwise(sentence))
            )
            if not near and not audience:
                continue  # "iedereen zag hoe jij in je broek plaste" needs no laughter
            hits.append(HITS["laughter"].hit([aimed[0], cue]))
        return hits
