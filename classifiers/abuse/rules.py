"""Targeting and stance rules for bullying, discrimination and profanity.

Each rule is a small annotator class: it reads the shared Analysis (lexicon-tagged tokens,
sentences, tag string) and returns Hits. Stance (negation, quotes, reported speech,
counter-speech, health talk, abuse at objects) is decided by the Stance helper that all
rules share. The words and phrases themselves are data (classifiers/abuse/data/).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

from classifiers.abuse.analysis import Analysis, Tok
from classifiers.abuse.phrases import Phrase, PhraseIndex
from classifiers.abuse.words import W

LESSENERS = W.set("lesseners")
NEGATORS = W.set("negators")
OPINION_VERBS = W.set("opinion_verbs")
RHETORICAL_AFTER_NEG = W.set("rhetorical_after_neg")
# "niets meer dan", "niet beter dan", "niks anders dan": a restriction, not a denial
RESTRICTIVE_AFTER_NEG = W.set("restrictive_after_neg")
# "geen reden om X te haten": a negated reason or norm before a purpose clause
REASON_WORDS = W.set("reason_words")
# adverbs between a hated group and the "niet" that denies the hate ("haat X helemaal niet")
NEG_ADVERBS = W.set("neg_adverbs")
DETERMINERS = W.set("determiners")
_DETERMINERS_DE = DETERMINERS | {"de"}
DEFINITE_ARTICLES = W.set("definite_articles")


_ARTICLES = DETERMINERS | DEFINITE_ARTICLES  # before a thing: "die printer", "het ding"
THING_REACH = 4
TITLES = W.set("titles")
COPULA_SINGULAR = W.set("copula_singular")
EXCLAIM = W.set("exclaim")
REPORT_CONJ = W.set("report_conj")
FIRST_PERSON = W.set("first_person")
SUPERLATIVES = W.set("superlatives")
# words that make a dehumanising word a verdict on everyone ("alleen vee", "vol beesten")
GENERALISING = W.set("generalising")
ENDORSE = W.set("endorse")  # "hij heeft gelijk", "groot gelijk"
ENDORSE_BEFORE = W.set("endorse_before")
# a later "zegt het ook" / "dat zegt iedereen" backs up what the speaker just said
ECHO_WORDS = W.set("echo_words")
# discrimination: verbs that, negated before a "dat" clause, deny the claim in it
# ("ik zou nooit willen dat ...", "ik heb nooit gezegd dat ...", "het is niet zo dat ...")
CLAIM_VERBS = W.set("claim_verbs")
ASSERT_VERBS = W.set("assert_verbs")
# "haat tegen moslims", "de haat", "haat zaaien": hate as a noun, not the speaker hating
HATE_NOUN_BEFORE = W.set("hate_noun_before")
HATE_NOUN_AFTER = W.set("hate_noun_after")
SUBJECT_PRONOUNS = W.set("subject_pronouns")
# a threat against a group: violence + one of these (intent, wish, norm) in the sentence
THREAT_INTENT = W.set("threat_intent")
THREAT_PAST = W.set("threat_past")
VOCATIVE = W.set("vocative")
POSSESSIVES = W.set("possessives")


@dataclass
class Hit:
    category: str
    subtype: str
    severity: int  # 1 low, 2 medium, 3 high
    score: float
    toks: list[Tok]
    rule: str
    words: list[str] = field(default_factory=list)


MANNER_OF_SPEAKING = W.set("manner_of_speaking")
HEALTH_FILLERS = W.set("health_fillers")
CONDITION_WORDS = W.set("condition_words")
REPORT_FIRST_PERSON_VERBS = W.set("report_first_person_verbs")
REPORT_REPEAT_VERBS = W.set("report_repeat_verbs")
CONDITIONAL_YOU = W.set("conditional_you")
COMPARISON_NEGATORS = W.set("comparison_negators")
COMPARISON_COPULAS = W.set("comparison_copulas")
COMPARISON_ADVERBS = W.set("comparison_adverbs")


class Stance:
    """Questions about the stance of a speaker towards the words they use."""

    def __init__(self, an: Analysis, counter: PhraseIndex) -> None:
        self.an = an
        self.counter_sentences: set[int] = set()
        ts = an.tag_string
        verdicts = {i for i in an.positions.get("counter", ()) if _verdict_on_people(an, i)}
        # "geen respect voor X", "nul tolerantie voor X": a value denied is no counter-speech
        verdicts |= {i for i in an.positions.get("counter", ()) if _value_denied(an, i)}
        for i in an.positions.get("counter", ()):
            if i not in verdicts:
                self.counter_sentences.add(an.toks[i].sentence)
        for phrase in counter.candidates(an.vocabulary):
            for m in phrase.matches(ts, an.tok_offsets, an.positions):
                first, last = an.tok_at(m.start()), an.tok_at(max(m.start(), m.end() - 2))
                if any(k in verdicts for k in range(first, last + 1)):
                    continue  # "ik vind X echt verschrikkelijke mensen" rejects no words
                self.counter_sentences.add(an.toks[first].sentence)
        self.has_counter = bool(self.counter_sentences)
        self.unquoted_words = sum(1 for t in an.toks if not t.quoted)
        # report verbs per sentence that are not the speaker's own voice ("ik zeg ...")
        self.reporters: dict[int, list[int]] = {}
        toks = an.toks
        for i in an.positions.get("report", ()):
            t = toks[i]
            before = toks[i - 1].lemma if i and toks[i - 1].sentence == t.sentence else ""
            after = toks[i + 1].lemma if i + 1 < len(toks) else ""
            if before in FIRST_PERSON or (after in FIRST_PERSON and t.lemma in REPORT_FIRST_PERSON_VERBS):
                continue
            if before in MANNER_OF_SPEAKING:
                continue  # "eerlijk gezegd" is a manner of speaking, not reported speech
            before2 = toks[i - 2].lemma if i >= 2 and toks[i - 2].sentence == t.sentence else ""
            conditional = before in CONDITION_WORDS or (
                after == "nog" and t.lemma in REPORT_REPEAT_VERBS
            )
            if conditional or (before2 == "wat" and before in CONDITIONAL_YOU):
                continue  # "als je nog wat zegt", "zeg nog 1 keer iets": a condition, no quote
            if self.endorsed(t.sentence):
                continue  # "mijn vader zegt dat ... en hij heeft gelijk" is the speaker's view
            self.reporters.setdefault(t.sentence, []).append(i)

    def endorsed(self, sentence: int) -> bool:
        """The speaker agrees with what they report ("... en hij heeft gelijk")."""
        toks = self.an.sentence_toks(sentence)
        return any(
            t.lemma in ENDORSE and k and toks[k - 1].lemma in ENDORSE_BEFORE
            for k, t in enumerate(toks)
        )

    def negated(self, tok: Tok, window: int = 3) -> bool:
        """A negation shortly before the token in the same sentence ("geen loser")."""
        toks = self.an.toks
        for k in range(tok.index - 1, max(-1, tok.index - window - 1), -1):
            prev = toks[k]
            if prev.clause != tok.clause:
                return False
            if prev.lemma in NEGATORS:
                after = toks[k + 1].lemma if k + 1 < len(toks) else ""
                after2 = toks[k + 2].lemma if k + 2 < len(toks) else ""
                if after in RESTRICTIVE_AFTER_NEG and after2 == "dan" and k + 2 < tok.index:
                    return False  # "X zijn niets meer dan ratten" says they are rats
                if prev.lemma in COMPARISON_NEGATORS and after in COMPARISON_COPULAS \
                        and after2 in COMPARISON_ADVERBS:
                    return False  # "niets is zo walgelijk als X" compares, it does not deny
                if after == "dat" and self._agreement_question(tok.sentence):
                    return False  # "Vind jij ook niet dat X eng zijn?" asks to agree
                # "zijn X niet gewoon dieven?" is a rhetorical question, not a denial
                return not (after in RHETORICAL_AFTER_NEG and k + 1 != tok.index)
        return False

    def _agreement_question(self, sentence: int) -> bool:
        toks = self.an.sentence_toks(sentence)
        return toks[0].lemma in AGREE_VERBS and _is_question(self.an, toks)

    def reported(self, tok: Tok) -> bool:
        """The words are quoted, reported or rejected rather than meant."""
        if tok.quoted and self.unquoted_words >= 3:
            return True
        if tok.sentence in self.counter_sentences:
            return True
        if any(
            i != tok.index and not self._contrasted(i, tok) and not self._echo(i, tok)
            for i in self.reporters.get(tok.sentence, ())
        ):
            return True
        # counter-speech in the next sentence ("... Dat kan echt niet.")
        return tok.sentence + 1 in self.counter_sentences

    def _echo(self, reporter: int, tok: Tok) -> bool:
        """"X is een loser, mijn kind zegt het ook", "X is dom, dat zegt iedereen": a report
        verb after the words, in a later clause, that backs them up rather than quotes them."""
        if reporter <= tok.index:
            return False
        toks = self.an.toks
        verb = toks[reporter]
        if verb.clause == tok.clause:
            return False
        near = toks[max(tok.index + 1, reporter - 2) : reporter + 4]
        return any(t.lemma in ECHO_WORDS and t.sentence == verb.sentence for t in near) and not (
            reporter + 1 < len(toks) and toks[reporter + 1].lemma == "dat"
            and toks[reporter + 1].sentence == verb.sentence)

    def _contrasted(self, reporter: int, tok: Tok) -> bool:
        """"Ze zeggen dat X ..., maar het zijn ...": after "maar" the speaker talks again."""
        if reporter > tok.index:
            return False
        return any(t.lemma == "maar" for t in self.an.toks[reporter + 1 : tok.index])

    def health(self, tok: Tok) -> bool:
        """A disease word used as health talk ("mijn oma heeft kanker")."""
        sentence = self.an.sentence_toks(tok.sentence)
        if any(t.has("health") for t in sentence):
            return True
        if tok.sentence and any(t.has("health") for t in self.an.sentence_toks(tok.sentence - 1)):
            return True  # "hoe verspreidt een ziekte zich? Van de pest tot corona."
        k = tok.index - 1
        while k >= 0 and self.an.toks[k].lemma in HEALTH_FILLERS:
            if self.an.toks[k].lemma == "aan":
                return True
            k -= 1
        if k < 0 or self.an.toks[k].sentence != tok.sentence:
            return False
        # "ik heb kanker gehad": too common to be a stance word of the lexicon (which damps
        # the model everywhere), but before a disease it is health talk
        return self.an.toks[k].has("healthverb") or self.an.toks[k].lemma in HAVE_FORMS


HAVE_FORMS = W.set("have_forms")


AGREE_VERBS = W.set("agree_verbs")

# counter words that name a value the speaker can deny ("ik heb geen respect voor X")
VALUES = W.set("values")
VALUE_DENIERS = W.set("value_deniers")


def _value_denied(an: Analysis, i: int) -> bool:
    t = an.toks[i]
    if t.lemma not in VALUES:
        return False
    before = an.toks[max(0, i - 3) : i]
    return any(x.lemma in VALUE_DENIERS and x.clause == t.clause for x in before)


def _verdict_on_people(an: Analysis, i: int) -> bool:
    """"verschrikkelijke mensen": a counter word used as a verdict on people, not on words."""
    nxt = an.toks[i + 1] if i + 1 < len(an.toks) else None
    return nxt is not None and nxt.has("gnoun", "person", "group", "gref")


WAT_EEN = W.list("wat_een")
PLURAL_GROUP_VERBS = W.set("plural_group_verbs")


class Targets:
    """Who a sentence is aimed at: the reader (jij/je/jullie), a named person, a group."""

    def __init__(self, an: Analysis, text: str) -> None:
        self.an = an
        n = len(an.sentences)
        self.you = [False] * n
        self.person = [False] * n
        self.group = [False] * n
        self.npgroup = [False] * n
        pos = an.positions
        for i in pos.get("you", ()):
            self.you[an.toks[i].sentence] = True
        for i in (*pos.get("group", ()), *pos.get("gref", ())):
            self.group[an.toks[i].sentence] = True
        for i in pos.get("npgroup", ()):
            self.npgroup[an.toks[i].sentence] = True
        for s, (start, end) in enumerate(an.sentences):
            toks = an.toks[start:end]
            for i in range(len(toks)):
                if _names_person(toks, i, text):
                    self.person[s] = True
                    break
            else:
                # "die nieuwe uit 1A", "die van groep 7": a pupil named by their class
                if not self.group[s] and _class_reference(toks):
                    self.person[s] = True
        self.short = len(an.toks) <= 7
        # "die printer", "de chromebook": a thing (or something unknown) named as subject
        self.things: list[int] = []  # token indices of things ("die printer", "de app")
        for i, t in enumerate(an.toks):
            after_det = i > 0 and an.toks[i - 1].lemma in _ARTICLES
            thing = t.has("object", "thing") if t.tags else after_det and not t.capitalised
            if thing:
                self.things.append(i)

    def aimed(self, tok: Tok) -> str | None:
        s = tok.sentence
        if self.you[s]:
            return "you"
        if self.group[s] or self.npgroup[s]:
            return None
        if self.person[s]:
            return "person"
        toks = self.an.toks
        if tok.index and toks[tok.index - 1].lemma in SUPERLATIVES and not tok.has("slur"):
            return "exclaim"  # "de grootste eikel van school"
        if tok.index and toks[tok.index - 1].lemma in _DETERMINERS_DE and not tok.has("slur"):
            before = toks[tok.index - 2].lemma if tok.index >= 2 else ""
            nxt = toks[tok.index + 1] if tok.index + 1 < len(toks) else None
            plural_verb = nxt is not None and nxt.lemma in PLURAL_GROUP_VERBS
            if before != "al" and not plural_verb and not (nxt is not None and nxt.has("object")):
                return "exclaim"  # "die achterlijke gek", "de loser is er weer"
        wat_een = [t.lemma for t in toks[max(0, tok.index - 2) : tok.index]] == WAT_EEN
        nxt_thing = tok.index + 1 < len(toks) and toks[tok.index + 1].has("object")
        if wat_een and not tok.curse_prefix and not nxt_thing:
            return "exclaim"  # "wat een sukkel met die schoenen": a person, not the shoes
        k = bisect.bisect_left(self.things, tok.index - THING_REACH)
        if k < len(self.things) and self.things[k] <= tok.index + THING_REACH:
            return None  # the abuse is about a thing near it ("die printer is een sukkel")
        if tok.has("slur"):
            return None  # a slur without a person in sight is aimed at the group
        if tok.index and toks[tok.index - 1].lemma in EXCLAIM:
            return "exclaim"
        if tok.index >= 2 and [t.lemma for t in toks[tok.index - 2 : tok.index]] == WAT_EEN:
            return "exclaim"
        # "wat een lelijke trol", "de grootste eikel van school": an adjective in between
        before2 = [t.lemma for t in toks[max(0, tok.index - 3) : tok.index - 1]]
        if before2 == WAT_EEN and toks[tok.index - 1].has("negadj", "body", "intens"):
            return "exclaim"
        if self.short:
            return "short"
        return None


# subtypes that a safety message names in order to warn ("Vraagt iemand om een foto van jou
# zonder kleren? Dat heet grooming."); an insult or a death wish stays what it is
ADVISED_SUBTYPES = frozenset(
    {"sexual_harassment", "humiliation", "threat", "exclusion", "self_harm_incitement"})


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
        if h.category != "profanity" and h.score >= 0.5:
            first, last = h.toks[0].index, h.toks[-1].index
            sentences = {t.sentence for t in h.toks}
            covered.update(
                (i, s) for i in range(min(first, last) - 1, max(first, last) + 2) for s in sentences
            )
    return [
        h for h in hits
        if h.category != "profanity" or (h.toks[0].index, h.toks[0].sentence) not in covered
    ]


class GroupUpgradeRule:
    """A threat or exclusion of a person because of their group ("Fleur is jood, dus die
    krijgt klappen") is discrimination as well as bullying. Runs on the hits so far."""

    SUBTYPES = {"threat": "threat", "death_wish": "threat", "exclusion": "exclusion"}

    def upgrade(self, an: Analysis, stance: Stance, hits: list[Hit]) -> list[Hit]:
        group_toks = [t for t in an.tagged if t.has("group") and not t.has("npgroup")]
        if not group_toks:
            return []
        extra: list[Hit] = []
        for h in hits:
            if h.category != "bullying" or h.subtype not in self.SUBTYPES:
                continue
            s = h.toks[0].sentence
            near = [g for g in group_toks if g.sentence in {s, s - 1}]
            if not near or any(stance.reported(g) for g in near):
                continue
            extra.append(
                Hit("discrimination", self.SUBTYPES[h.subtype], h.severity, h.score - 0.04,
                    [near[0], *h.toks], f"upgrade.{h.rule}")
            )
            # aimed at someone *because of* the group: discrimination, not a personal feud
            h.score = min(h.score, 0.45)
        return extra


PRON_HE = W.set("pron_he")


def _names_person(toks: list[Tok], i: int, text: str) -> bool:
    """Does toks[i] point at one person: a name, @handle, "die gast", "hij", "X is ..."?"""
    t = toks[i]
    tags = t.tags
    if "name" in tags or (t.start and text[t.start - 1] == "@"):
        return True
    if "person" in tags and ((i and toks[i - 1].lemma in DETERMINERS) or t.lemma in TITLES):
        return True
    if t.lemma in COPULA_SINGULAR and i and _person_subject(toks, i - 1):
        return True
    return "pron3s" in tags and t.lemma in PRON_HE


_CLASS_CODE = re.compile(r"^(?:[a-z]{0,2}\d[a-z]{0,2}|\d{1,2})$")


CLASS_PREPS = W.set("class_preps")
CLASS_WORDS = W.set("class_words")


def _class_reference(toks: list[Tok]) -> bool:
    """"die uit 3B", "die nieuwe van 2c", "die jongen uit groep 7": one pupil, named by class."""
    for i in range(1, len(toks)):
        if toks[i - 1].lemma not in CLASS_PREPS:
            continue
        code = toks[i].lemma
        if code in CLASS_WORDS and i + 1 < len(toks):
            code = toks[i + 1].lemma
        if not _CLASS_CODE.match(code) or not any(c.isdigit() for c in code):
            continue
        if any(t.lemma in DETERMINERS for t in toks[max(0, i - 4) : i - 1]):
            return True
    return False


SUBJECT_ARTICLES = W.set("subject_articles")


def _person_subject(toks: list[Tok], i: int) -> bool:
    """Is toks[i] (just before "is") a person: a name, "die gast", "hij"?"""
    t = toks[i]
    if t.has("name", "person", "pron3s", "you"):
        return True
    if t.tags or (i and toks[i - 1].lemma in DETERMINERS | SUBJECT_ARTICLES):
        return False
    first_in_sentence = i == 0 or toks[i - 1].sentence != t.sentence
    return t.capitalised and not first_in_sentence


_GOING_MAD = W.set("going_mad")


CLAUSE_NEGATORS = W.set("clause_negators")


def _subject_negated(an: Analysis, first: Tok) -> bool:
    """"Niemand hier wil jou uit de groep zetten", "ik zal jou nooit meer ...": "niemand"
    or "nooit" earlier in the clause denies what the pattern found after it."""
    for k in range(first.index - 1, -1, -1):
        prev = an.toks[k]
        if prev.clause != first.clause:
            return False
        if prev.lemma in CLAUSE_NEGATORS:
            return True
    return False


class PhraseRule:
    """Multi-word patterns from phrases.tsv (threats, exclusion, death wishes, ...)."""

    def __init__(self, phrases: list[Phrase]) -> None:
        self.phrases = phrases
        self.index = PhraseIndex(phrases)

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        for p in self.index.candidates(an.vocabulary):
            for m in p.matches(an.tag_string, an.tok_offsets, an.positions):
                first = an.tok_at(m.start())
                last = an.tok_at(max(m.start(), m.end() - 2))
                toks = an.toks[first : last + 1]
                if not toks:
                    continue
                if not p.allows_negation and (
                    any(t.lemma in NEGATORS - p.own_words for t in toks)
                    or stance.negated(toks[0], 2)
                    or _subject_negated(an, toks[0])
                ):
                    continue
                if any(stance.reported(t) for t in toks[:1]) or stance.reported(toks[-1]):
                    continue
                if p.category == "bullying" and (
                    denied_in_sentence(an, toks[0]) or denied_after(an, toks[0])
                ):
                    continue  # "ik heb nooit gezegd dat jij er niet bij hoort"
                if p.subtype in {"death_wish", "self_harm_incitement"} and self_statement(
                    an, toks[0]
                ):
                    continue  # "ik ga dood van het lachen"
                disease = [t for t in toks if t.tags and t.has("disease")]
                if disease and any(stance.health(t) for t in disease):
                    continue
                hits.append(Hit(p.category, p.subtype, p.severity, p.score, toks, p.id))
        return hits


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
            if stance.negated(t) and not _rhetorical_negation(an, t):
                continue
            if stance.reported(t) or denied_in_sentence(an, t):
                continue
            if denied_after(an, t):
                continue
            if t.lemma == "gek" and t.index and an.toks[t.index - 1].lemma in _GOING_MAD:
                continue  # "ik word gek van die printer"
            aim = targets.aimed(t)
            if aim is None and _told_to_stop(an, t):
                aim = "exclaim"  # "doe niet zo mongool": said to the reader
            if aim in {"short", "exclaim"} and _said_of_self(an, t):
                aim = None  # "wat een sukkel ben ik ook": the speaker, about themselves
            if aim == "short" and _speaker_only(an, t):
                aim = None  # "kut, ik heb een onvoldoende": the speaker swears about themselves
            if aim == "short" and any(
                an.toks[k].sentence == t.sentence and k < t.index for k in targets.things
            ):
                aim = None  # "die opdracht van biologie is echt kut": said of a thing
            severity = max(t.severity, 3 if t.curse_prefix else 0) or 2
            if aim is None:
                hits.append(Hit("bullying", "insult", severity, 0.35, [t], "insult.untargeted"))
                continue
            score = {3: 0.93, 2: 0.86, 1: 0.72}[severity]
            if aim in {"short", "exclaim"}:
                if not an.text[t.start : t.start + 1].isalnum():
                    continue  # an emoji alone (🤡) is no target of its own
                score -= 0.06
            subtype = "humiliation" if t.has("body") else "insult"  # "die walvis": looks
            if t.curse_prefix in _DISEASE_PREFIXES or t.lemma.startswith(_DISEASE_INSULT) or (
                t.has("insult") and t.lemma.startswith(_DISEASE_HEADS) and len(t.lemma) > 8
            ):
                # "kankerhoer", "tyfuslijer": a disease curse aimed at a person (README)
                subtype = "death_wish"
            hits.append(Hit("bullying", subtype, severity, score, [t], f"insult.{aim}"))
        return hits


MOCK_TAILS = W.set("mock_tails")
MOCKED_IDENTITIES = frozenset({"disability", "orientation", "gender_identity"})
ADDRESS = W.set("address")
SUCH = W.set("such")
_TARGET_TAGS = ("you", "name", "pron3s")
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
            hits.append(Hit("bullying", "insult", 2, 0.84, [g], f"identity.{frame}"))
            hits.append(Hit("discrimination", "slur", 2, 0.84, [g], f"identity.{frame}"))
        return hits

    @staticmethod
    def _frame(an: Analysis, sentence: list[Tok], g: Tok) -> str | None:
        lemmas = [t.lemma for t in sentence]
        k = g.index - sentence[0].index  # position of the group word in the sentence
        before = lemmas[max(0, k - 3) : k]
        aimed = any(t.has(*_TARGET_TAGS) for t in sentence if t is not g)
        if _told_to_stop(an, g):  # "doe niet zo homo", "doe nou niet zo gehandicapt"
            return "behave"
        # "jij jood!", "hé homo", "jij vieze homo": the word alone as a term of address
        if k == len(sentence) - 1 and len(sentence) <= 4 and k >= 1:
            first = k - 1 if not sentence[k - 1].has("negadj", "insult") else k - 2
            if first >= 0 and lemmas[first] in ADDRESS:
                return "vocative"
        if not aimed:
            return None
        # "wat een homo ben jij", "wat ben jij (toch) een autist"
        if lemmas[0] == "wat" and "een" in before[-2:] and _copula_with_target(sentence, g):
            return "exclaim"
        # "jij bent zo'n mocro", "Daan is zo'n homo"
        if not SUCH.isdisjoint(before[-2:]) and _copula_with_target(sentence, g):
            return "such"
        # "ben je gehandicapt ofzo?", "ben jij homo of zo": the identities that are thrown
        # as insults ("ben je joods of zo?" may be a real question)
        after = lemmas[k + 1 : k + 3]
        if lemmas[0] in IDENTITY_QUESTION_VERBS_SHORT and not MOCKED_IDENTITIES.isdisjoint(g.groups) and (
            not MOCK_TAILS.isdisjoint(after[:1]) or after in MOCK_OR_TAILS
        ):
            return "mock"
        return None


_COPULAS = W.set("copulas")


def _copula_with_target(sentence: list[Tok], g: Tok) -> bool:
    """"ben jij", "jij bent", "Daan is", "hij is": the person the group word is said of."""
    for a, b in itertools.pairwise(sentence):
        if b.index >= g.index + 3:
            break
        if (a.lemma in _COPULAS and b.has(*_TARGET_TAGS)) or (
            a.has(*_TARGET_TAGS) and b.lemma in _COPULAS
        ):
            return True
    return False


def intensifies(an: Analysis, tok: Tok) -> bool:
    """A negative word right before praise in its clause only intensifies it ("gestoord
    goed", "ziek mooi"); praise that is a group or person word ("mensen") does not count."""
    nxt = an.toks[tok.index + 1] if tok.index + 1 < len(an.toks) else None
    return (nxt is not None and nxt.clause == tok.clause and nxt.has("posadj")
            and not nxt.has("gnoun", "group", "person", "npgroup", "you"))


DUMMY_SUBJECTS = W.set("dummy_subjects")


DUMMY_COPULAS = W.set("dummy_copulas")


def _dummy_subject(window: list[Tok]) -> bool:
    """The attribute's copula has a subject that is no person: "het is", "dat was"."""
    for k in range(len(window) - 1, 0, -1):
        if window[k].lemma in DUMMY_COPULAS:
            return window[k - 1].lemma in DUMMY_SUBJECTS
    return False


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
            if stance.negated(t, 4) or stance.reported(t) or denied_in_sentence(an, t):
                continue
            if denied_after(an, t):
                continue
            nxt = toks[t.index + 1].lemma if t.index + 1 < len(toks) else ""
            if intensifies(an, t):
                continue  # "je bent gestoord goed", "ziek mooi": the word only intensifies
            if t.lemma == "ziek" and nxt != "in":
                continue  # "Jasmijn is weer ziek" is about health ("ziek in je hoofd" is not)
            subtype = "humiliation" if t.has("body") else "insult"
            hits.append(Hit("bullying", subtype, 2, 0.8, [t], f"attribute.{subtype}"))
        return hits


# before "mensen" as the subject of a clause ("dat mensen X haten"), not its predicate
# ("het zijn geen mensen, die X")
SUBJECT_BEFORE = W.set("subject_before")


QUANTIFIERS_ALL = W.set("quantifiers_all")
PEOPLE_WORDS = W.set("people_words")
NIET_EENS = W.list("niet_eens")


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
            personal = targets.person[s] and not stance.endorsed(s) and _names_someone(
                sentence, an.text
            )
            group_idx = [g.index for g in groups]
            for t in sentence:
                if not t.tags and not t.curse_prefix:
                    continue  # a word the lexicon does not know is neither derogatory nor posadj
                if t in groups and (not t.has(*DEROGATORY) or t.has("gnoun")):
                    continue  # "die lui" refers to the group; it says nothing of it
                if t.has("hateverb") and _hate_noun(an, t):
                    continue
                if _modifies_thing(an, t):
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
                        denied = negated and not _negation_on_other(an, t)
                    if not denied:
                        continue
                elif not derogatory or negated or (t.has("negverb") and _nothing_after(an, t)):
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
                if dehum and _treated_as(sentence):
                    continue
                subtype = "dehumanisation" if dehum else "derogation"
                if t in groups and t.has("slur"):
                    subtype = "slur"  # "wijven": the group word is itself the slur
                score = 0.9 if dehum or t.has("slur", "hateverb") else 0.82
                hits.append(
                    Hit("discrimination", subtype, 3 if dehum else 2, score, [near, t],
                        f"group.{subtype}")
                )
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
                Hit("discrimination", "dehumanisation", 3, 0.84, [group, t],
                    "group.dehumanisation.neighbour")
            )
        return hits

    @classmethod
    def _may_derogate(cls, t: Tok) -> bool:
        """Can this word be the derogatory (or denied positive) word of a hit below?"""
        return t.has(*DEROGATORY, "posadj") or bool(t.curse_prefix and t.has("group"))




PASSIVE_AUXILIARIES = W.set("passive_auxiliaries")
THREAT_DEMAND_WORDS = W.set("threat_demand_words")
THREAT_NOT_PAST_WORDS = W.set("threat_not_past_words")
PASSIVE_WORDS = W.set("passive_words")
IMPERATIVE_VIOLENCE = W.set("imperative_violence")


class GroupThreatRule:
    """Violence wished on, announced against or demanded for a protected group: the group
    (or a word referring to it) + a violence word (lexicon kind "violence") + intent in the
    same sentence ("moeten afgeschoten worden", "iemand zou ze ...", "ik ga ze ...", "ik sla
    elke X ...", an imperative "Sla die X ..."). Past events ("werden vermoord in de oorlog"),
    negation and reported or rejected words are not threats."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        if "violence" not in an.positions:
            return hits  # every hit below is a violence word
        for s, (start, end) in enumerate(an.sentences):
            sentence = an.toks[start:end]
            # "gthing": a group's place or thing ("dat Turkse centrum"): violence against it
            # threatens the group
            groups = [
                t for t in sentence
                if t.tags and t.has("group", "gref", "slur", "gthing") and not t.has("npgroup")
            ]
            if not groups or targets.you[s]:
                continue
            if any(generalisation_negated(an, g) for g in groups):
                continue
            if opinion_negated(sentence, groups) or any(
                stance.reported(g) for g in groups
            ):
                continue
            lemmas = {t.lemma for t in sentence}
            first_person = not FIRST_PERSON.isdisjoint(lemmas)
            intent = not THREAT_INTENT.isdisjoint(lemmas)
            past = not THREAT_PAST.isdisjoint(lemmas) and not (
                lemmas & THREAT_NOT_PAST_WORDS
            )
            passive = not lemmas.isdisjoint(PASSIVE_WORDS) and lemmas.isdisjoint(
                THREAT_DEMAND_WORDS
            )
            for t in sentence:
                if not t.has("violence") or t in groups:
                    continue
                nxt = an.toks[t.index + 1] if t.index + 1 < len(an.toks) else None
                if nxt is not None and nxt.lemma in IDIOM_AFTER_VIOLENCE:
                    continue  # "het slaat nergens op", "slaat kant noch wal"
                if passive and t.lemma.startswith("ge"):
                    continue  # "dat homo's in elkaar worden geslagen": what is done to them
                imperative = t.index == start and t.lemma in IMPERATIVE_VIOLENCE
                if not (intent or first_person or imperative) and not past:
                    hit = self._violent_habit(an, stance, groups, t, lemmas)
                    if hit:
                        hits.append(hit)
                        break
                if not (intent or first_person or imperative) or past:
                    continue
                if stance.negated(t, 5) or stance.reported(t):
                    continue
                near = min(groups, key=lambda g: abs(g.index - t.index))
                hits.append(
                    Hit("discrimination", "threat", 3, 0.88, [near, t], "group.threat")
                )
                break
        return hits

    @staticmethod
    def _violent_habit(
        an: Analysis, stance: Stance, groups: list[Tok], t: Tok, lemmas: set[str]
    ) -> Hit | None:
        """"Turkse mannen slaan hun vrouwen": violence said to be what the group does (the
        group right before a present-tense verb, no passive) is derogation."""
        if t.lemma.startswith("ge") or lemmas & PASSIVE_AUXILIARIES:
            return None
        if _past_violence(an, t):
            return None  # "zijn verdronken": what happened to them
        subject = [g for g in groups if 0 < t.index - g.index <= 2 and g.has("group", "gref")]
        if not subject or stance.negated(t, 4) or stance.reported(t):
            return None
        return Hit("discrimination", "derogation", 2, 0.8, [subject[0], t], "group.violent")


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
                    Hit("discrimination", "exclusion", 2, 0.8,
                        [groups[0], reply_toks[0]], "group.rejected")
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
                    Hit("discrimination", "derogation", 2, 0.78, [groups[0], bad[0]],
                        "group.role")
                )
        return hits


# "met X in de klas ...", "zodra er X komen ...", "sinds die X er zijn ...": a clause that
# puts a group somewhere, before what then happens
PRESENCE_CONJ = W.set("presence_conj")
PRESENCE_REACH = 3  # tokens from the conjunction to the group
NEVER_AGAIN = W.set("never_again")  # "... leer je niks meer"
# "fokken als konijnen", "lijken op apen": a comparison with an animal, dirt or disease
COMPARE_WORDS = W.set("compare_words")
LIKENED = ("animal", "dehum", "disease")
TREATED = W.set("treated")
# a rhetorical question about a group's presence or rights ("Waarom mogen X hier eigenlijk
# wonen?"): a question word, a rhetorical particle and a word of permission or place
QUESTION_WORDS = W.set("question_words")
RHETORICAL = W.set("rhetorical")
PRESENCE_WORDS = W.set("presence_words")
VICTIM_REFS = W.set("victim_refs")
# "Zo'n X in je groep en ...", "Een X als buurman? Dan ...", "Eén X erbij en ...": one member
# of a group put in a role, before what then happens
ROLE_DETERMINERS = W.set("role_determiners")
ROLE_PREPS = W.set("role_preps")
SINGULAR_PRONOUNS = W.set("singular_pronouns")


ROLE_VICTIM_REFS = VICTIM_REFS | SINGULAR_PRONOUNS
# idioms of a bad end that need no lexicon word: "dan weet je het wel", "is het gedaan met
# de rust", "kun je fluiten naar je cijfer"
BAD_END_IDIOMS = W.phrases("bad_end_idioms")
# "X willen altijd de baas spelen", "X zijn altijd te laat": a habit said of a whole group
ALWAYS = W.set("always")
HABIT_REACH = 7  # tokens from "altijd" to the behaviour
# "X kunnen gewoon niet inparkeren", "X snappen nou eenmaal geen techniek": an inability
# said of a whole group, as a fact of nature (a marker of that is required: "doven kunnen
# de omroep niet horen" is a fact, "veel nieuwkomers snappen de regels nog niet" a phase)
ABILITY_VERBS = W.set("ability_verbs")
INABILITY = W.set("inability")
BY_NATURE = W.set("by_nature")
QUANTIFIERS = W.set("quantifiers")
# each frame of GroupFrameRule starts from one of these words or tags
_FRAME_WORDS = (PRESENCE_CONJ | COMPARE_WORDS | QUESTION_WORDS | ROLE_DETERMINERS | ALWAYS
                | ABILITY_VERBS | {"disgust"})


DEMANDS = W.set("demands")


def _treated_as(sentence: list[Tok]) -> bool:
    """"Joden werden behandeld als beesten": how a group was treated, not what it is said to
    be ("X moeten behandeld worden als beesten" demands it)."""
    lemmas = {t.lemma for t in sentence}
    return not TREATED.isdisjoint(lemmas) and DEMANDS.isdisjoint(lemmas)


NOTHING_WORDS = W.set("nothing_words")


def _nothing_after(an: Analysis, t: Tok) -> bool:
    """"X verpesten (helemaal) niks": the verb's object is nothing, which denies it."""
    k = t.index + 1
    if k < len(an.toks) and an.toks[k].lemma in NEG_ADVERBS:
        k += 1  # "helemaal niks" ("vechten om niks" is no denial)
    return k < len(an.toks) and an.toks[k].lemma in NOTHING_WORDS


def _is_question(an: Analysis, sentence: list[Tok]) -> bool:
    end = sentence[-1].end
    return "?" in an.text[end : end + 4]


SELF_IDENTIFYING = W.lists("self_identifying")
FIRST_PERSON_PLURAL = W.set("first_person_plural")


def self_identified(sentence: list[Tok], group: Tok) -> bool:
    """"Als moslim vind ik ...", "Wij zijn een groep Marokkaanse meiden", "Ik ben Pools":
    the speaker says who they are, which is no statement about the group."""
    i = group.index - sentence[0].index
    lemmas = [t.lemma for t in sentence]
    before = lemmas[max(0, i - 4) : i]
    if before[-1:] == ["als"] and not FIRST_PERSON.isdisjoint(lemmas[i + 1 : i + 8]):
        return True  # "als (dove) leerling heb ik ...", "als homo voel ik me ..."
    if i >= 2 and before[-2:] in SELF_IDENTIFYING:
        return True
    return "groep" in before and bool(FIRST_PERSON_PLURAL & set(before))


PRESENCE_LEAD_CONJUNCTIONS = W.set("presence_lead_conjunctions")
ROLE_LEAD_WORDS = W.set("role_lead_words")


class GroupFrameRule:
    """Implicit derogation and exclusion of a group in words the lexicon need not know,
    read from the frame of the sentence: a group put somewhere and then a bad outcome
    ("Met X in de klas kun je het wel vergeten", "Sinds die X er zijn gaat alles
    achteruit": derogation), the group likened to animals, dirt or disease ("X fokken als
    konijnen": dehumanisation), and a rhetorical question about their presence or rights
    ("Waarom mogen X hier eigenlijk wonen?": exclusion). Negation, reported speech and
    counter-speech are handled like the other group rules."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        pos = an.positions
        if "group" not in pos and "gref" not in pos:
            return hits
        if _FRAME_WORDS.isdisjoint(an.vocabulary):
            return hits  # each frame below starts from one of these words
        for s, (start, end) in enumerate(an.sentences):
            if not targets.group[s]:
                continue
            sentence = an.toks[start:end]
            groups = [
                t for t in sentence if t.tags and t.has("group", "gref") and not t.has("npgroup")
            ]
            if not groups:
                continue
            if any(generalisation_negated(an, g) for g in groups):
                continue
            if opinion_negated(sentence, groups) or any(
                stance.reported(g) or self_identified(sentence, g) for g in groups
            ):
                continue
            # a generic "je" ("met X in de klas kun je het wel vergeten") is no reader
            hit = (
                self._presence(an, stance, sentence, groups)
                or self._role(an, stance, sentence, groups)
                or self._habit(an, stance, sentence, groups)
                or self._inability(an, sentence, groups)
                or self._disgust(an, stance, sentence, groups)
            ) or (
                not targets.you[s] and (
                    self._likened(an, stance, sentence, groups)
                    or self._question(an, stance, sentence, groups)
                )
            )
            if hit:
                hits.append(hit)
        return hits

    @staticmethod
    def _presence(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
                  ) -> Hit | None:
        k = 1 if sentence[0].lemma in PRESENCE_LEAD_CONJUNCTIONS else 0
        if len(sentence) <= k or sentence[k].lemma not in PRESENCE_CONJ:
            return None
        conj = sentence[k]
        group = next((g for g in groups if 0 < g.index - conj.index <= PRESENCE_REACH), None)
        if group is None:
            return None
        # "als X naar de wc gaan voelen ze zich onveilig", "als X gepest worden gaat het
        # mis": their side of it
        end = _bad_end(an, stance, an.toks[group.index + 1 : sentence[-1].index + 1],
                       VICTIM_REFS)
        if end is None:
            return None
        return Hit("discrimination", "derogation", 2, 0.8, [group, *end], "group.presence")

    @staticmethod
    def _role(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
              ) -> Hit | None:
        """"Zo'n X in je groep en je haalt nooit een voldoende", "Een X als buurman? Dan weet
        je het wel": a verbless set-up (determiner, group, role) and then a bad end, in the
        same sentence or in the next one when that starts with "dan"."""
        k = 1 if sentence[0].lemma in ROLE_LEAD_WORDS else 0
        if len(sentence) <= k + 1 or sentence[k].lemma not in ROLE_DETERMINERS:
            return None
        group = next((g for g in groups if 0 < g.index - sentence[k].index <= 2), None)
        if group is None:
            return None
        after = group.index + 1
        if after < len(an.toks) and an.toks[after].sentence == group.sentence and (
            an.toks[after].has("person", "gnoun")
        ):
            after += 1  # "een Poolse buurman als ..."
        last = sentence[-1].index
        if after <= last and an.toks[after].lemma not in ROLE_PREPS:
            return None  # "een Poolse buurman helpt ons": a statement, not a set-up
        end = _bad_end(an, stance, an.toks[after + 1 : last + 1])
        if end is None and group.sentence + 1 < len(an.sentences) and _is_question(an, sentence):
            nxt = an.sentence_toks(group.sentence + 1)
            if nxt[0].lemma == "dan":  # "Een X als buurman? Dan weet je het wel."
                end = _bad_end(an, stance, nxt)
        if end is None:
            return None
        return Hit("discrimination", "derogation", 2, 0.8, [group, *end], "group.role")

    @staticmethod
    def _habit(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
               ) -> Hit | None:
        """"X willen altijd de baas spelen", "X zijn altijd te laat", "X moeten altijd
        overal aandacht voor vragen": the group as subject, "altijd" and a bad habit."""
        group = groups[0]
        if group.index - sentence[0].index > 2 or group.has("gadj"):
            return None  # the group must open the sentence as its subject
        for t in an.toks[group.index + 1 : min(group.index + 4, sentence[-1].index + 1)]:
            if t.lemma not in ALWAYS or stance.negated(t, 3):
                continue
            stop = min(t.index + HABIT_REACH, sentence[-1].index) + 1
            for x in an.toks[t.index + 1 : stop]:
                if x.clause != t.clause:
                    break
                late = x.lemma == "laat" and an.toks[x.index - 1].lemma == "te"
                if x.has("habit") or late:
                    return Hit("discrimination", "derogation", 2, 0.78, [group, t, x],
                               "group.habit")
        return None

    @staticmethod
    def _inability(an: Analysis, sentence: list[Tok], groups: list[Tok]) -> Hit | None:
        """"Vrouwen kunnen gewoon niet inparkeren", "Meisjes snappen nou eenmaal geen
        techniek": the group as subject, a verb of ability, a negation and a sign that it
        is meant as their nature."""
        group = groups[0]
        i = group.index - sentence[0].index
        if i > 1 or (i == 1 and sentence[0].lemma in QUANTIFIERS) or group.has("gadj"):
            return None
        last = sentence[-1].index
        verb = group.index + 1
        if verb > last or an.toks[verb].lemma not in ABILITY_VERBS:
            return None
        window = an.toks[verb + 1 : min(verb + 4, last + 1)]
        neg = next((t for t in window if t.lemma in INABILITY), None)
        if neg is None or (neg.index + 1 <= last and an.toks[neg.index + 1].lemma == "meer"):
            return None
        lemmas = {t.lemma for t in an.toks[verb + 1 : last + 1]}
        if "nog" in lemmas or BY_NATURE.isdisjoint(lemmas | {neg.lemma}):
            return None  # "snappen de regels nog niet": not yet, which is no verdict
        return Hit("discrimination", "derogation", 2, 0.78, [group, an.toks[verb], neg],
                   "group.inability")

    @staticmethod
    def _disgust(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
                 ) -> Hit | None:
        """"Stel je voor dat je buurman een jood is, gadverdamme", "Jakkes, homo's": disgust
        in the sentence that names the people of a group (not a thing with a group
        adjective, not their suffering: "bah, wat erg dat die moslims gepest worden")."""
        disgust = next((t for t in sentence if t.has("disgust")), None)
        if disgust is None or stance.negated(disgust, 2):
            return None
        if any(t.has("victim", "benign", "posadj") for t in sentence if not t.has("gnoun")):
            return None
        people = [g for g in groups if _thing_described(an, g) is None]
        if not people:
            return None
        return Hit("discrimination", "derogation", 2, 0.78, [people[0], disgust],
                   "group.disgust")

    @staticmethod
    def _likened(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
                 ) -> Hit | None:
        if _treated_as(sentence):
            return None  # "werden behandeld als beesten": what was done to them
        for t in sentence:
            if t.lemma not in COMPARE_WORDS:
                continue
            subject = [g for g in groups if 0 < t.index - g.index <= 4]
            if not subject:
                continue
            for x in an.toks[t.index + 1 : min(t.index + 4, sentence[-1].index + 1)]:
                if x.has(*LIKENED) and not x.has("npgroup") and not stance.negated(t, 4):
                    return Hit("discrimination", "dehumanisation", 3, 0.86,
                               [subject[0], t, x], "group.likened")
        return None

    @staticmethod
    def _question(an: Analysis, stance: Stance, sentence: list[Tok], groups: list[Tok]
                  ) -> Hit | None:
        if sentence[0].lemma not in QUESTION_WORDS or not _is_question(an, sentence):
            return None
        lemmas = [t.lemma for t in sentence]
        if not NEGATORS.isdisjoint(lemmas) or any(t.has("practice", "victim") for t in sentence):
            # "waarom mogen moslims eigenlijk geen varkensvlees eten?", "wie heeft die X hier
            # eigenlijk opgevangen?" ask
            return None
        particle = [t for t in sentence if t.lemma in RHETORICAL]
        place = [t for t in sentence if t.lemma in PRESENCE_WORDS]
        if not particle or not place:
            return None
        return Hit("discrimination", "exclusion", 2, 0.78, [groups[0], particle[0], place[0]],
                   "group.question")


NEVER_AGAIN_AFTER = W.set("never_again_after")


def _bad_end(an: Analysis, stance: Stance, toks: list[Tok],
             victim_refs: frozenset[str] = ROLE_VICTIM_REFS) -> list[Tok] | None:
    """The tokens of a bad outcome in `toks` (a ruin word, "nooit/niks meer", an idiom of a
    bad end), or None; an outcome for a pronoun that refers to the group ("en hij wordt
    gepest", "voelen ze zich onveilig") is theirs to suffer, not their fault, and a negated
    one is none ("met X in de klas gaat het niet mis")."""
    lemmas = [t.lemma for t in toks]
    for n, t in enumerate(toks):
        if t.lemma in victim_refs or t.has("victim"):
            return None
        if t.lemma == "mis" and t.index and an.toks[t.index - 1].lemma == "de":
            continue  # "naar de mis": the mass
        if t.has("ruin"):
            return None if stance.negated(t, 3) else [t]
        if t.lemma in NEVER_AGAIN and n + 1 < len(toks) and lemmas[n + 1] in NEVER_AGAIN_AFTER:
            return [t, toks[n + 1]]
        for idiom in BAD_END_IDIOMS:
            if tuple(lemmas[n : n + len(idiom)]) == idiom:
                return toks[n : n + len(idiom)]
    return None


# kinds that make a text more than a plain mention of a group
_LOADED = frozenset(
    {"insult", "slur", "negnoun", "negadj", "dehum", "hateverb", "body", "negverb", "violence",
     "threatverb", "profanity", "disease", "sexual"}
)
# ... or a frame that turns a positive word ("alleen goed voor het huishouden", "ik hou niet
# van ...": a negated positive is no benign mention)
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
    if groups and not any(t.tags & _LOADED for t in toks):
        for g in groups:
            sentence = an.sentence_toks(g.sentence)
            if _procedure_described(sentence):
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
        if t.curse_prefix or (t.tags & _LOADED and not _past_violence(an, t)):
            return []
    things = [_thing_described(an, g) for g in groups]
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
        and _is_question(an, sentence)
    )


LIST_CONJUNCTIONS = W.set("list_conjunctions")


def _enumerated_groups(toks: list[Tok], groups: list[Tok]) -> list[Tok]:
    """"In onze klas zitten moslims, christenen en joden": several different groups listed
    side by side (with nothing loaded in the text) describe who is there."""
    listed = [g for g in groups if g.has("group")]
    if len({g.lemma for g in listed}) < 2:
        return []
    first, last = listed[0].index, listed[-1].index
    if any(t.lemma in LIST_CONJUNCTIONS for t in toks[first:last]) and last - first <= 2 * len(listed):
        return listed[1:]
    return []


PARTICIPLE_PREFIXES = W.seq("participle_prefixes")
PERFECT_AUXILIARIES = W.set("perfect_auxiliaries")


def _past_violence(an: Analysis, t: Tok) -> bool:
    if not t.has("violence") or t.tags & (_LOADED - {"violence", "threatverb"}):
        return False
    sentence = an.sentence_toks(t.sentence)
    lemmas = {x.lemma for x in sentence}
    if not THREAT_INTENT.isdisjoint(lemmas):
        return False
    # "werden vergast", "zijn verdronken": a participle after a past or perfect auxiliary
    perfect = t.lemma.startswith(PARTICIPLE_PREFIXES) and any(
        x.lemma in PERFECT_AUXILIARIES
        for x in sentence if x.index < t.index
    )
    return perfect or not THREAT_PAST.isdisjoint(lemmas)


HISTORY = W.set("history")
PAST_MODALS = W.set("past_modals")
IDIOM_AFTER_VIOLENCE = W.set("idiom_after_violence")


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
            if h.subtype == "exclusion" and _procedure_described(sentence):
                continue  # "X moeten terug als hun aanvraag wordt afgewezen": the law
        out.append(h)
    return out


CONDITIONALS = W.set("conditionals")


def _procedure_described(sentence: list[Tok]) -> bool:
    """"Vluchtelingen moeten terug naar hun land als hun aanvraag wordt afgewezen": a
    condition of a legal procedure (lexicon kind "procedure") after a conjunction states
    what the law does; "als het aan mij ligt moeten X terug" states a wish and has none."""
    for i, t in enumerate(sentence):
        if t.lemma in CONDITIONALS and any(x.has("procedure") for x in sentence[i + 1 : i + 6]):
            return True
    return False


_NOT_A_NOUN = W.set("not_a_noun")


def _modifies_thing(an: Analysis, t: Tok) -> bool:
    """"Veel Polen werken onder slechte omstandigheden": an attributive adjective (-e) before
    a noun that is not people describes that noun, not the group ("vieze mensen" does)."""
    if not t.has("negadj") or t.has("dehum", "negnoun", "slur", "insult", "hateverb"):
        return False
    if not an.text[t.start : t.end].lower().endswith("e"):
        return False
    nxt = an.toks[t.index + 1] if t.index + 1 < len(an.toks) else None
    if nxt is None or nxt.clause != t.clause:
        return False
    if nxt.has("object", "thing"):
        return True
    return (
        not nxt.tags and nxt.lemma.isalpha() and len(nxt.lemma) >= 3
        and nxt.lemma not in _NOT_A_NOUN
    )


_PEOPLE = ("person", "gnoun", "group", "npgroup", "you", "name", "pron3p", "pron3s")


GROUP_ADJECTIVE_ENDINGS = W.seq("group_adjective_endings")


def _thing_described(an: Analysis, g: Tok) -> Tok | None:
    """The noun a group adjective describes when it is a thing, not people ("de Turkse
    bakkerij", "die Marokkaanse tajine"; not "Turkse jongens" or "Marokkaanse leerlingen")."""
    if not g.has("gadj") and not an.text[g.start : g.end].lower().endswith(GROUP_ADJECTIVE_ENDINGS):
        return None
    nxt = an.toks[g.index + 1] if g.index + 1 < len(an.toks) else None
    if nxt is None or nxt.clause != g.clause or nxt.has(*_PEOPLE):
        return None
    if nxt.has("object", "thing", "gthing"):
        return nxt
    if nxt.tags or not nxt.lemma.isalpha() or len(nxt.lemma) < 3 or nxt.lemma in _NOT_A_NOUN:
        return None
    return nxt


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
        return not (prev.lemma == "een" and _predicate_of_person(an, prev))
    return any(x.has("thing") for x in an.sentence_toks(t.sentence))


_PREDICATE_FILLERS = W.set("predicate_fillers")


def _predicate_of_person(an: Analysis, article: Tok) -> bool:
    """"<name|jij> is (echt) een ...": the noun after the article is said of a person."""
    k = article.index - 1
    while k >= 0 and an.toks[k].lemma in _PREDICATE_FILLERS:
        k -= 1
    if k < 1 or an.toks[k].lemma not in _COPULAS or an.toks[k].sentence != article.sentence:
        return False
    subject = an.toks[k - 1]
    after = an.toks[k + 1] if k + 1 < len(an.toks) else None
    return subject.has("you", "name", "pron3s") or (
        after is not None and after.has("you", "name", "pron3s")  # "ben jij een ..."
    )


_DENIAL_AFTER = W.set("denial_after")


CLAIM_COPULAS = W.set("claim_copulas")


def _claim_then_denied(sentence: list[Tok], last_group: int) -> bool:
    """"Dat X niet te vertrouwen zijn, is gewoon niet waar.": a dat-clause as the subject,
    denied after it ("is niet waar", "klopt niet", "is onzin")."""
    if not sentence or sentence[0].lemma != "dat":
        return False
    after = [t for t in sentence if t.index > last_group]
    clauses = {t.clause for t in after}
    if len(clauses) < 2:
        # no comma: "Dat X een bedreiging zijn is gewoon niet waar." — the claim's verb, then
        # a second finite verb that carries the denial at the end of the sentence
        lemmas = [t.lemma for t in after]
        verbs = [k for k, x in enumerate(lemmas) if x in CLAIM_COPULAS]
        if len(verbs) < 2:
            return False
        tail = lemmas[verbs[1] :][:5]
        return any(x in NEGATORS for x in tail) and any(x in _DENIAL_AFTER for x in tail)
    tail = [t for t in after if t.clause == max(clauses)]
    lemmas = [t.lemma for t in tail]
    negated = any(x in NEGATORS for x in lemmas) and any(x in _DENIAL_AFTER for x in lemmas)
    return negated or any(t.has("counter") for t in tail)


def _negation_on_other(an: Analysis, t: Tok) -> bool:
    """"geen gestoorde mensen": the negation denies the derogatory word in between, not the
    positive one after it."""
    for k in range(t.index - 1, max(-1, t.index - 5), -1):
        prev = an.toks[k]
        if prev.lemma in NEGATORS or prev.sentence != t.sentence:
            return False
        if prev.has(*DEROGATORY):
            return True
    return False


def _names_someone(sentence: list[Tok], text: str) -> bool:
    """Does the sentence point at one person? A first name right after a subject pronoun is
    read as a verb ("ik ken veel X", "wij mark ...") rather than as a person."""
    for i, t in enumerate(sentence):
        if t.has("name") and i and sentence[i - 1].lemma in SUBJECT_PRONOUNS:
            continue
        if _names_person(sentence, i, text):
            return True
    return False


# the kinds of word that say something bad of a group
DEROGATORY = ("insult", "slur", "negnoun", "negadj", "dehum", "hateverb", "body", "negverb")


def opinion_negated(sentence: list[Tok], groups: list[Tok]) -> bool:
    """"Niemand vindt dat X ...", "Het is niet waar dat X ...", "Ik haat X niet"."""
    group_idx = {g.index for g in groups}
    first_group = min(group_idx)
    if _claim_then_denied(sentence, max(group_idx)):
        return True
    for i, t in enumerate(sentence):
        j = i + 1
        while j < len(sentence) and sentence[j].lemma in NEG_ADVERBS:
            j += 1
        nxt = sentence[j] if j < len(sentence) else None
        hated_not = nxt is not None and nxt.lemma == "niet" and i > 0
        if t.index in group_idx and hated_not and sentence[i - 1].has("hateverb"):
            return True
        denies = t.index < first_group and t.lemma in NEGATORS and t.lemma != "minder"
        if not denies:
            continue  # every test below needs a denying word
        # "er is geen reden om X te haten", "het is niet normaal om X uit te schelden"
        near = [x.lemma for x in sentence[i + 1 : i + 4] if x.index < first_group]
        if denies and any(
            a in REASON_WORDS and b == "om" for a, b in itertools.pairwise(near)
        ):
            return True
        if denies and any(x.lemma in OPINION_VERBS for x in sentence[i + 1 : i + 4]):
            return True
        # "ik zou nooit willen dat X ...", "ik heb nooit gezegd dat X ..."
        ahead = [x for x in sentence[i + 1 : i + 7] if x.index < first_group]
        if denies and any(x.lemma == "dat" for x in ahead) and any(
            x.lemma in CLAIM_VERBS for x in ahead
        ):
            return True
        # "ik vind niet dat X ..." (but "Vind je ook niet dat X ...?" asks for agreement,
        # and "ik wil niet dat X ..." is a wish of the speaker, no denial)
        before = sentence[max(0, i - 3) : i]
        if (
            denies
            and ahead[:2]
            and any(x.lemma == "dat" for x in ahead[:2])
            and any(x.lemma in ASSERT_VERBS for x in before)
            and sentence[0].lemma not in CLAIM_VERBS
        ):
            return True
    return False


def generalisation_negated(an: Analysis, group: Tok) -> bool:
    """"niet alle moslims ...", "geen enkele ..." deny the generalisation."""
    k = group.index - 1
    if k >= 0 and an.toks[k].lemma in QUANTIFIERS_ALL:
        k -= 1
    if k < 0 or an.toks[k].sentence != group.sentence:
        return False
    # "niet alle moslims ...", "geen enkele vrouw is minder waard"
    return an.toks[k].lemma == "niet" or (
        an.toks[k].lemma == "geen" and k + 1 < group.index
    )


def _hate_noun(an: Analysis, t: Tok) -> bool:
    """"haat tegen moslims", "de haat", "haat zaaien": hate as a topic, not a feeling."""
    prev = an.toks[t.index - 1] if t.index else None
    nxt = an.toks[t.index + 1] if t.index + 1 < len(an.toks) else None
    if prev is not None and prev.sentence == t.sentence and prev.lemma in HATE_NOUN_BEFORE:
        return True
    return nxt is not None and nxt.sentence == t.sentence and nxt.lemma in HATE_NOUN_AFTER


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
                hits.append(Hit("discrimination", "slur", 2, 0.8, [t], "slur.vocative"))
                continue
            if not strong and not plural and not targets.group[t.sentence]:
                # "jij vuile mongool": a slur thrown at a person is hateful as well as an
                # insult (HateCheck); without a target it may be a word for a thing or act
                aim = targets.aimed(t)
                if aim not in {"you", "person", "exclaim"}:
                    continue
                hits.append(Hit("discrimination", "slur", 2, 0.76, [t], f"slur.{aim}"))
                continue
            hits.append(Hit("discrimination", "slur", 3, 0.92 if strong else 0.8, [t], "slur"))
        return hits


class ProfanityRule:
    """Swearing and disease curses not aimed at anyone ("kankerleuk", "die kutprinter")."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        for t in an.tagged:
            if not t.curse_prefix and not t.has("disease", "profanity"):
                continue  # no swearing word (tested first: cheaper than the stance)
            if t.tags and stance.reported(t):
                continue  # a quoted or reported word is not the speaker swearing
            if t.curse_prefix:
                if t.has("insult", "slur", "person"):
                    continue  # a compound insult: bullying or discrimination, not swearing
                subtype = "disease_curse" if t.curse_prefix in _DISEASE_PREFIXES else "swearing"
                hits.append(Hit("profanity", subtype, 2, 0.85, [t], "profanity.compound"))
            elif t.has("disease"):
                if stance.health(t):
                    continue
                hits.append(Hit("profanity", "disease_curse", 2, 0.85, [t], "profanity.disease"))
            elif t.has("profanity"):
                hits.append(Hit("profanity", "swearing", 2, 0.8, [t], "profanity.swearing"))
        return hits


_DISEASE_INSULT = W.seq("disease_insult")
# insult words that are disease compounds in the lexicon ("kankermongool", "teringhoer")
_DISEASE_HEADS = W.seq("disease_heads")
_DISEASE_PREFIXES = W.set("disease_prefixes")


# --- bullying: subtype resolution and denial frames (bullying-specific; see issue 3) ---

# When several bullying rules fire on one text, the teacher sees one subtype: the most
# specific. A generic insult word inside a death wish, an exclusion or a humiliation is part
# of that act ("rot op en krijg de tyfus", "niemand wil naast jou zitten, sukkel").
BULLYING_SPECIFICITY = {
    "self_harm_incitement": 7,
    "death_wish": 6,
    "sexual_harassment": 5,
    "threat": 4,
    "exclusion": 3,
    "humiliation": 3,
    "insult": 1,
}
DEMOTED_SCORE = 0.45  # below the flag threshold: the hit still shows in the scores, not the flag
FLAG_LINE = 0.5
# a negation plus a verb of saying or thinking denies what follows ("ik zou nooit zeggen dat
# je dik bent", "het is niet waar dat Noor een slet is", "niemand vindt jou dom")
DENIAL_VERBS = W.set("denial_verbs")
DENIAL_NEGATORS = W.set("denial_negators")


TARGET_TAGS = frozenset({"you", "name", "person", "pron3s", "pron3p"})


NIET_ZO = W.list("niet_zo")
DO_VERBS = W.set("do_verbs")


def _told_to_stop(an: Analysis, tok: Tok) -> bool:
    """"Doe (nou) niet zo mongool": the reader is told to stop being what the word says."""
    before = [t.lemma for t in an.toks[max(0, tok.index - 5) : tok.index]
              if t.sentence == tok.sentence]
    return before[-2:] == NIET_ZO and not DO_VERBS.isdisjoint(before)


def _rhetorical_negation(an: Analysis, tok: Tok) -> bool:
    """"vind jij Mila ook niet een domme koe?": "ook niet" in a question asks for agreement,
    it does not deny."""
    sentence = an.sentence_toks(tok.sentence)
    last = sentence[-1]
    if _told_to_stop(an, tok):
        return True  # "doe niet zo mongool": an order to stop being it, which names it
    lemmas = [t.lemma for t in sentence if t.index < tok.index]
    if "?" not in an.text[last.end : last.end + 3]:
        return False
    if any(a == "ook" and b == "niet" for a, b in itertools.pairwise(lemmas)):
        return True
    # "wie vindt Hamza geen sukkel?", "is er iemand die Romy geen trut vindt?"
    return "wie" in lemmas[:3] or any(
        a == "iemand" and b == "die" for a, b in itertools.pairwise(lemmas)
    )


SELF_FILLERS = W.set("self_fillers")


SAID_OF_SELF_AFTER = W.lists("said_of_self_after")
SELF_IK_BEN = W.list("self_ik_ben")


def _said_of_self(an: Analysis, tok: Tok) -> bool:
    """"Wat een sukkel ben ik", "ik ben zo'n idioot": the insult names the speaker."""
    after = [t.lemma for t in an.toks[tok.index + 1 : tok.index + 3]
             if t.sentence == tok.sentence]
    before = [t.lemma for t in an.toks[max(0, tok.index - 4) : tok.index]
              if t.sentence == tok.sentence]
    if after[:2] in SAID_OF_SELF_AFTER:
        return True
    if before[-1:] and before[-1] in SELF_FILLERS:
        before = before[:-1]  # "ik ben (zo'n) idioot"
    return before[-2:] == SELF_IK_BEN


SPEAKER_WORDS = W.set("speaker_words")


def _speaker_only(an: Analysis, tok: Tok) -> bool:
    """The sentence speaks of the speaker (ik, mijn, we) and of no one else."""
    sentence = an.sentence_toks(tok.sentence)
    return any(t.lemma in SPEAKER_WORDS for t in sentence)


def _emoji_only(an: Analysis, h: Hit) -> bool:
    """A hit whose abusive word is an emoji (🔪, 🤡): weaker evidence than words."""
    content = [t for t in h.toks if not (t.tags and t.tags <= TARGET_TAGS)]
    return any(not an.text[t.start : t.start + 1].isalnum() for t in content)


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


DENIAL_DAT_VERBS = W.set("denial_dat_verbs")


def denied_in_sentence(an: Analysis, tok: Tok) -> bool:
    """A denial frame before the token in its sentence: a negation followed (within three
    words) by a verb of saying or thinking, or "niet waar dat" ("ik heb nooit gezegd dat
    Saar een debiel is", "niemand vindt jou dom"). Person-directed counterpart of the
    opinion negation that GroupRule applies to groups."""
    sentence = an.sentence_toks(tok.sentence)
    for k, t in enumerate(sentence):
        if t.index >= tok.index:
            return False
        if t.lemma not in DENIAL_NEGATORS:
            continue
        nxt = sentence[k + 1].lemma if k + 1 < len(sentence) else ""
        if t.lemma == "niemand" and nxt == "die" and any(
            x.lemma in DENIAL_VERBS and x.clause == tok.clause
            for x in sentence[k + 2 :] if x.index > tok.index
        ):
            return True  # "er is niemand die jou een loser vindt"
        before = {x.lemma for x in sentence[max(0, k - 2) : k]}
        if nxt == "dat" and before & (DENIAL_VERBS | DENIAL_DAT_VERBS):
            return True  # "ik vind niet dat je dik bent", "het klopt niet dat ..."
        for j, x in enumerate(sentence[k + 1 : k + 5], k + 1):
            if x.index >= tok.index or x.clause != tok.clause:
                break
            if x.lemma in DENIAL_VERBS:
                return True
            nxt = sentence[j + 1].lemma if j + 1 < len(sentence) else ""
            if x.lemma == "zo" and nxt == "dat":
                return True  # "het is echt niet zo dat Roos een trut is"
    return False


# --- bullying: compositional rules (issue 3) -------------------------------------------
# The words are lexicon data (terms.tsv kinds wish, harm, selfharm, mishap, laugh); these
# rules compose them with a target, so that new phrasings need no new pattern.

TARGET_PERSON = frozenset({"you", "name", "pron3s", "person"})
POSSESSIVE_3S = W.set("possessive_3s")
IMPERATIVE_HARM = W.set("imperative_harm")
FIRST_PERSON_SUBJECT = W.set("first_person_subject")
REFLEXIVE = W.set("reflexive")
REFLEXIVE_VERBS = W.set("reflexive_verbs")
OBJECT_AFTER = W.set("object_after")
COMPARISON = W.phrases("comparison")


TARGET_PRONOUNS = W.set("target_pronouns")


def _is_target(toks: list[Tok], k: int, text: str) -> bool:
    t = toks[k]
    tags = t.tags
    if "you" in tags or "name" in tags or (t.start and text[t.start - 1] == "@"):
        return True
    if "pron3s" in tags and t.lemma in TARGET_PRONOUNS:
        return True
    return "person" in tags and k > 0 and toks[k - 1].lemma in DETERMINERS


def _clause_negated(toks: list[Tok], lo: int, hi: int) -> bool:
    """A negation between two tokens of one clause ("ik hoop niet dat je ...")."""
    return any(t.lemma in NEGATORS and t.lemma != "minder" for t in toks[lo:hi])


def self_statement(an: Analysis, first: Tok) -> bool:
    """"ik ga dood van het lachen": an imperative death/self-harm phrase whose subject is the
    speaker is about the speaker, not a wish or an incitement."""
    if first.lemma not in IMPERATIVE_HARM:
        return False
    k = first.index - 1
    return k >= 0 and an.toks[k].sentence == first.sentence and (
        an.toks[k].lemma in FIRST_PERSON_SUBJECT
    )


class WishRule:
    """A wish of death, disease or an accident for a person: a wish word, then the target,
    then a harm word in the same sentence ("ik hoop dat je onder een bus komt", "hopelijk
    krijgt Sem kanker", "ik wens jou een hartaanval"), or the optative "kreeg je maar
    kanker", "was je maar dood"."""

    REACH = 10

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        toks = an.toks
        for start, end in an.sentences:
            sentence = toks[start:end]
            harms = [t for t in sentence if t.tags and t.has("harm", "disease")]
            if not harms:
                continue
            starts = [t for t in sentence if t.tags and t.has("wish")]
            # optative: "<verb> je maar <harm>"
            for k in range(start + 1, end - 1):
                if toks[k].has("you") and toks[k + 1].lemma == "maar":
                    starts.append(toks[k - 1])
            for w in starts:
                target = next(
                    (toks[k] for k in range(w.index, min(end, w.index + 6))
                     if _is_target(toks, k, an.text)),
                    None,
                )
                if target is None:
                    continue
                harm = next(
                    (h for h in harms if target.index < h.index <= target.index + self.REACH),
                    None,
                )
                if harm is None or harm.clause - w.clause > 1:
                    continue
                if _clause_negated(toks, w.index, harm.index) or stance.negated(w, 2):
                    continue
                if stance.reported(w) or stance.reported(harm) or denied_in_sentence(an, w):
                    continue
                if harm.has("disease") and stance.health(harm):
                    continue
                hits.append(Hit("bullying", "death_wish", 3, 0.9, [w, target, harm], "wish"))
                break
        return hits


READER_PRONOUNS = W.set("reader_pronouns")


class SelfHarmRule:
    """Incitement to self-harm: the reflexive "jezelf" (or "je" with a verb that is only
    reflexive, "ophangen") together with a self-harm verb in one clause ("doe jezelf wat
    aan", "je kan jezelf beter iets aandoen", "ga je ophangen")."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        toks = an.toks
        for v in an.positions.get("selfharm", ()):
            verb = toks[v]
            lo = v
            while lo > 0 and toks[lo - 1].clause == verb.clause and v - lo < 6:
                lo -= 1
            window = toks[lo:v]
            refl = next((t for t in window if t.lemma in REFLEXIVE), None)
            if refl is None and verb.lemma in REFLEXIVE_VERBS:
                nxt = toks[v + 1].lemma if v + 1 < len(toks) else ""
                if nxt in OBJECT_AFTER:
                    continue  # "ga je ophangen die poster": something else is hung
                refl = next((t for t in window[-3:] if t.lemma in READER_PRONOUNS), None)
            if refl is None:
                continue
            if _clause_negated(toks, lo, v) or stance.reported(verb) or denied_in_sentence(
                an, refl
            ):
                continue
            if self_statement(an, window[0]) and window[0].lemma not in REFLEXIVE:
                continue
            hits.append(Hit("bullying", "self_harm_incitement", 3, 0.9, [refl, verb], "selfharm"))
        return hits


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
            # (who it is aimed at is looked up only for a sentence with a cue: most have none)
            lo = an.sentences[s - 1][0] if s else start  # "zag je Sem zwemmen? net een ..."
            aimed = [
                t for k, t in enumerate(toks[lo:end], lo)
                if _is_target(toks, k, an.text) or t.lemma in POSSESSIVE_3S
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
            hits.append(Hit("bullying", "humiliation", 2, 0.76, [aimed[0], cue], "laughter"))
        return hits


SEXUAL_RATING = W.set("sexual_rating")
POSSESSIVE_YOU = W.set("possessive_you")
SEXUAL_BODY = W.set("sexual_body")
SEXUAL_EVAL = W.set("sexual_eval")


class SexualRule:
    """Sexual harassment composed from its parts: a sexual act aimed at a person ("ik wil
    de juf neuken", "Sem pijpt iedereen"), or a sexual body part of a person with an
    evaluation ("haar tieten zijn zo lekker", "lekker kontje heb jij")."""

    def run(self, an: Analysis, stance: Stance, targets: Targets) -> list[Hit]:
        hits: list[Hit] = []
        toks = an.toks
        for start, end in an.sentences:
            sentence = toks[start:end]
            acts = [t for t in sentence if t.tags and t.has("sexact")]
            # (only an act needs a target in the sentence: looked up only then)
            aimed = [
                t for k, t in enumerate(sentence, start)
                if _is_target(toks, k, an.text) or t.lemma in TITLES
            ] if acts else []
            for act in acts:
                if not aimed or stance.negated(act, 4) or stance.reported(act):
                    continue
                if denied_in_sentence(an, act) or _clause_negated(toks, start, act.index):
                    continue
                hits.append(Hit("bullying", "sexual_harassment", 3, 0.86, [aimed[0], act],
                                "sexual.act"))
                break
            for k in range(start, end):
                body = toks[k]
                if body.lemma not in SEXUAL_BODY:
                    continue
                owner = toks[k - 1] if k > start else None
                owned = owner is not None and (
                    owner.lemma in POSSESSIVE_YOU | POSSESSIVE_3S or owner.has("name")
                )
                after = toks[k + 1 : min(end, k + 4)]
                later = next((x for x in after if x.has("you", "name")), None)
                if not owned and later is not None:
                    owned, owner = True, later  # "strakke billen heb jij", "kont van Gijs"
                window = toks[max(start, k - 3) : min(end, k + 5)]
                rated = any(x.lemma in SEXUAL_EVAL | SEXUAL_RATING for x in window)
                if not (owned and rated) or stance.negated(body, 4) or stance.reported(body):
                    continue
                if denied_in_sentence(an, body):
                    continue
                hits.append(Hit("bullying", "sexual_harassment", 3, 0.84, [owner, body],
                                "sexual.body"))
                break
        return hits


DENIAL_FIRST_WORDS = W.set("denial_first_words")
DENIAL_FIRST_PAIRS = W.lists("denial_first_pairs")
DENIAL_FIRST_IF_NIET = W.set("denial_first_if_niet")


def denied_after(an: Analysis, tok: Tok) -> bool:
    """"Jij een loser? Echt niet.", "Dat je dik bent? Onzin!": the abuse is asked as a
    question and the next sentence denies it."""
    end = an.sentences[tok.sentence][1]
    last = an.toks[end - 1]
    if "?" not in an.text[last.end : last.end + 3]:
        return False
    if tok.sentence + 1 >= len(an.sentences):
        return False
    nstart, nend = an.sentences[tok.sentence + 1]
    first = [t.lemma for t in an.toks[nstart : min(nend, nstart + 3)]]
    if not first:
        return False
    if first[0] in DENIAL_FIRST_WORDS:
        return True
    if first[0] in DENIAL_FIRST_IF_NIET and "niet" in first:
        return True
    return first[:2] in DENIAL_FIRST_PAIRS
