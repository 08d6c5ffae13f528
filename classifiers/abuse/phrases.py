"""Phrase patterns (data: classifiers/abuse/data/phrases.tsv) compiled to regexes over the
tag string of an Analysis.

Pattern language, tokens separated by spaces:
  word | w1|w2       a token whose lemma is one of these words (`word*` = starts with)
  <tag> | <t1|t2>    a token carrying one of these lexicon tags
  _                  any token
  ..N                up to N tokens (never across a sentence end)
  X?                 the token X is optional
  !w1|w2             the next token is none of these words (a veto)
A pattern that mentions a negation itself (`<neg>`, niet, geen, nooit, niemand, niets)
keeps matches that contain a negation; any other pattern drops them ("ik zou je nooit slaan").
A pattern that names "minder" keeps matches with "minder" ("er moeten minder X komen").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from classifiers.abuse.lexicon import LEXICON_DIR
from classifiers.abuse.words import W

NEGATION_WORDS = W.set("negation_words")
_ANY = r"[,][^\s#]* "
# a pattern may name these and keep the matches ("er moeten minder X komen")
OWN_NEGATORS = W.set("own_negators")


@dataclass(frozen=True)
class Phrase:
    id: str
    category: str
    subtype: str
    severity: int
    score: float
    pattern: str
    regex: re.Pattern[str]
    allows_negation: bool
    # negating words the pattern names itself ("minder"): they do not veto its matches
    own_words: frozenset[str]
    # each set: the analysis must contain one of its lemmas or tags, or the regex is not run
    required: tuple[frozenset[str], ...]
    # lemmas/tags the first token of a match must have; empty when the pattern can start
    # with an optional item or a gap (then the whole tag string is searched)
    starts: frozenset[str]

    def possible(self, vocabulary: frozenset[str]) -> bool:
        return all(not options.isdisjoint(vocabulary) for options in self.required)

    def matches(self, tag_string: str, offsets: list[int], positions: dict[str, list[int]]
                ) -> list[re.Match[str]]:
        """Matches over the tag string, tried only where the first token can match."""
        if not self.starts:
            return list(self.regex.finditer(tag_string))
        if len(self.starts) == 1:
            # one option: its positions are already in token order, no set or sort needed
            # (a token listed twice, under its lemma and a tag of the same name, changes
            # nothing: a match there moves `end` past it, a miss stays a miss)
            starts: Iterable[int] = positions.get(next(iter(self.starts)), ())
        else:
            starts = sorted({i for option in self.starts for i in positions.get(option, ())})
        found: list[re.Match[str]] = []
        end = -1
        for i in starts:
            if offsets[i] < end:
                continue
            m = self.regex.match(tag_string, offsets[i])
            if m:
                found.append(m)
                end = m.end()
        return found


class PhraseIndex:
    """Finds the phrases that can match a text from the words and tags it contains, without
    looking at every phrase: each phrase is filed under the options of one required item.

    The other required items of a phrase are checked with one integer operation: every
    distinct required item (a set of options) has a bit, a text's vocabulary sets the bits
    of the items it satisfies, and a phrase stays when all bits of its other items are set.
    """

    def __init__(self, phrases: list[Phrase]) -> None:
        self.always: list[Phrase] = []
        self.by_option: dict[str, list[int]] = {}
        self.phrases = phrases
        # bit of each distinct required item; per option, the bits of the items it satisfies
        bits: dict[frozenset[str], int] = {}
        self.option_bits: dict[str, int] = {}
        # per phrase, the bits of the required items still to check once it is found under
        # an option of the item it is filed under (that item is then present)
        self.rest: list[int] = []
        # how many phrases require each option: a phrase is filed under the item whose
        # options are shared by the fewest phrases, so that a common word or tag in a text
        # ("je", <you>) brings few candidates to check
        shared: dict[str, int] = {}
        for p in phrases:
            for options in set(p.required):
                for option in options:
                    shared[option] = shared.get(option, 0) + 1
        for n, p in enumerate(phrases):
            if not p.required:
                self.always.append(p)
                self.rest.append(0)
                continue
            filed = min(
                range(len(p.required)), key=lambda k: sum(shared[o] for o in p.required[k])
            )
            rest = 0
            for k, options in enumerate(p.required):
                bit = bits.setdefault(options, 1 << len(bits))
                for option in options:
                    self.option_bits[option] = self.option_bits.get(option, 0) | bit
                if k != filed:
                    rest |= bit
            self.rest.append(rest)
            for option in p.required[filed]:
                self.by_option.setdefault(option, []).append(n)

    def candidates(self, vocabulary: frozenset[str]) -> list[Phrase]:
        found: set[int] = set()
        by_option = self.by_option
        for word in by_option.keys() & vocabulary:  # (a C-level intersection)
            found.update(by_option[word])
        out = list(self.always)
        if not found:
            return out
        option_bits = self.option_bits
        satisfied = 0
        for word in option_bits.keys() & vocabulary:
            satisfied |= option_bits[word]
        missing = ~satisfied
        phrases = self.phrases
        rest = self.rest
        # Phrase.possible, as bits (this runs for every candidate of every text)
        out.extend(phrases[n] for n in sorted(found) if not rest[n] & missing)
        return out


def compile_pattern(pattern: str) -> re.Pattern[str]:
    parts: list[str] = [r"(?:(?<= )|^)"]
    for raw in pattern.split():
        optional = raw.endswith("?") and len(raw) > 1
        item = raw[:-1] if optional else raw
        if item.startswith(".."):
            parts.append(rf"(?:{_ANY}){{0,{int(item[2:])}}}")
            continue
        if item.startswith("!") and len(item) > 1:
            # a veto on the next token: "niemand wil jou !uit" does not match "... jou uit"
            alternation = "|".join(_literal(w) for w in item[1:].split("|"))
            parts.append(f"(?!{alternation})")
            continue
        if item == "_":
            piece = _ANY
        elif item.startswith("<") and item.endswith(">") and item.count("<") == 1:
            piece = _tags(item[1:-1].split("|"))
        else:
            piece = "(?:" + "|".join(_literal(w) for w in item.split("|")) + ")"
        parts.append(f"(?:{piece})?" if optional else piece)
    return re.compile("".join(parts))


def _tags(tags: list[str]) -> str:
    alternation = "|".join(re.escape(t) for t in tags)
    return rf",(?:[^\s:]*,)?(?:{alternation}),[^\s:]*:\S* "


def _literal(alternative: str) -> str:
    """One alternative: a word, `word*` (prefix) or `w1+w2` (a sequence of tokens)."""
    if alternative.startswith("<") and alternative.endswith(">"):
        return _tags([alternative[1:-1]])
    pieces = []
    for w in alternative.split("+"):
        lemma = re.escape(w[:-1]) + r"\S*" if w.endswith("*") else re.escape(w)
        pieces.append(rf",[^\s:]*:{lemma} ")
    return "".join(pieces)


def _starts(pattern: str) -> frozenset[str]:
    first = pattern.split()[0]
    if first.endswith("?") or first.startswith("..") or first == "_":
        return frozenset()
    options = {alt.strip("<>").split("+")[0] for alt in first.split("|")}
    if any(o.endswith("*") for o in options):
        return frozenset()
    return frozenset(options)


def _required(pattern: str) -> tuple[frozenset[str], ...]:
    """For each mandatory item of the pattern, the lemmas/tags of which one must be present."""
    required: list[frozenset[str]] = []
    for raw in pattern.split():
        if raw.endswith("?") or raw.startswith(("..", "!")) or raw == "_":
            continue
        options: set[str] = set()
        for alternative in raw.split("|"):
            word = alternative.strip("<>").split("+")[0]
            if word.endswith("*"):
                options = set()
                break
            options.add(word)
        if options:
            required.append(frozenset(options))
    return tuple(required)


def load_phrases(path: Path | None = None) -> list[Phrase]:
    path = path or LEXICON_DIR / "phrases.tsv"
    phrases: list[Phrase] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 6:
            raise ValueError(f"{path.name}:{n}: expected 6 tab-separated columns, got {len(cols)}")
        pid, category, subtype, severity, score, pattern = (c.strip() for c in cols)
        words = set(pattern.replace("?", "").replace("+", " ").split())
        alternatives = {w for item in words for w in item.split("|")}
        allows = "<neg>" in pattern or bool(alternatives & NEGATION_WORDS)
        own = frozenset(a.lstrip("!") for a in alternatives if not a.startswith("!")) & OWN_NEGATORS
        phrases.append(
            Phrase(pid, category, subtype, int(severity), float(score), pattern,
                   compile_pattern(pattern), allows, own, _required(pattern), _starts(pattern))
        )
    return phrases
