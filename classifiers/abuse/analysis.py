"""The shared view of a text for the abuse rules: lexicon-tagged tokens, sentences, quotes,
and a "tag string" that the phrase patterns run over.

Each token is written in the tag string as `,tag1,tag2,:lemma ` (tags sorted), sentence
ends as `# `. Phrase patterns (classifiers/abuse/phrases.py) compile to regexes over it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from classifiers.abuse.lexicon import Entry, Lexicon
from classifiers.abuse.words import W
from classifiers.document import Document

_SENTENCE_END = frozenset(".!?\n;")
_CLAUSE_END = frozenset(".!?\n;,:")
_QUOTES = frozenset('"“”„«»')
_SINGLE_QUOTES = frozenset("'‘’`")
_ANY_QUOTE = _QUOTES | _SINGLE_QUOTES
_NO_TAGS: frozenset[str] = frozenset()
_NAME_TAGS = frozenset({"name"})


APOSTROPHE_WORDS = W.set("apostrophe_words")


def _is_quote_mark(text: str, i: int) -> bool:
    """A single quote that opens or closes a quotation, not an apostrophe ("zo'n", "'s")."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return False
    # 's ochtends, 't, 'n are apostrophes too
    return text[i + 1 : i + 3] not in APOSTROPHE_WORDS


@dataclass(slots=True, eq=False)
class Tok:
    lemma: str
    tags: frozenset[str]
    start: int  # original offsets
    end: int
    sentence: int
    index: int = 0
    severity: int = 0
    groups: frozenset[str] = frozenset()
    capitalised: bool = False
    quoted: bool = False
    clause: int = 0  # commas and sentence ends start a new clause
    how: str = ""
    curse_prefix: str = ""
    entries: tuple[Entry, ...] = field(default=(), repr=False)

    def has(self, *tags: str) -> bool:
        # (loops over every token write `t.tags and t.has(...)`: most tokens have no tags,
        # and the attribute test is much cheaper than the call)
        own = self.tags
        return bool(own) and not own.isdisjoint(tags)  # most tokens have no tags


@dataclass
class Analysis:
    text: str
    toks: list[Tok]
    sentences: list[tuple[int, int]]  # token index ranges [start, end)
    tag_string: str
    tok_offsets: list[int]  # start offset of each token in tag_string
    vocabulary: frozenset[str] = frozenset()  # every lemma and tag present (phrase pruning)

    @cached_property
    def tagged(self) -> list[Tok]:
        """The tokens the lexicon knows (most rules only look at these)."""
        return [t for t in self.toks if t.tags]

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        """Token indices per lemma and per tag (where a phrase can start)."""
        index: dict[str, list[int]] = {}
        for t in self.toks:
            index.setdefault(t.lemma, []).append(t.index)
            for tag in t.tags:
                index.setdefault(tag, []).append(t.index)
        return index

    def tok_at(self, offset: int) -> int:
        """Index of the token covering a tag-string offset."""
        return max(0, bisect.bisect_right(self.tok_offsets, offset) - 1)

    def sentence_toks(self, sentence: int) -> list[Tok]:
        start, end = self.sentences[sentence]
        return self.toks[start:end]


def analyse(doc: Document, lexicon: Lexicon) -> Analysis:
    norm = doc.normalised
    ntext = norm.text
    toks: list[Tok] = []
    sentence = 0
    clause = 0
    in_quote = False
    prev_end = 0
    for dtok in doc.tokens:
        gap = ntext[prev_end : dtok.norm_start]
        # (most gaps are one space, which ends no clause and opens no quote)
        if gap != " " and toks and not _CLAUSE_END.isdisjoint(gap):
            clause += 1
            if not _SENTENCE_END.isdisjoint(gap):
                sentence += 1
        if gap != " " and not _ANY_QUOTE.isdisjoint(gap):
            for k, c in enumerate(gap):
                at = dtok.norm_start - len(gap) + k
                if c in _QUOTES or (c in _SINGLE_QUOTES and _is_quote_mark(ntext, at)):
                    in_quote = not in_quote
        prev_end = dtok.norm_end
        first = doc.text[dtok.start]
        capitalised = first.isupper() and not doc.text[dtok.start : dtok.end].isupper()
        pieces = lexicon.match(dtok.text)
        if pieces and capitalised and dtok.text in lexicon.first_names and not any(
            p.as_written for p in pieces
        ):
            pieces = []  # "meester Koen" is no "koe" with an ending: a name
        if not pieces:
            is_name = (dtok.text in lexicon.first_names and (
                capitalised or not _common_word(dtok.text)
            )) or (dtok.start and doc.text[dtok.start - 1] == "@")
            toks.append(
                Tok(dtok.text, _NAME_TAGS if is_name else _NO_TAGS, dtok.start,
                    dtok.end, sentence, capitalised=capitalised, quoted=in_quote,
                    clause=clause)
            )
            continue
        for piece in pieces:
            if len(pieces) == 1:
                start, end = dtok.start, dtok.end
            else:
                start, end = doc.to_original(
                    dtok.norm_start + piece.start, dtok.norm_start + piece.end
                )
            toks.append(
                Tok(
                    piece.lemma,
                    piece.kinds,
                    start,
                    end,
                    sentence,
                    severity=piece.severity,
                    groups=piece.groups,
                    capitalised=capitalised and piece.start == 0,
                    quoted=in_quote,
                    clause=clause,
                    how=piece.how,
                    curse_prefix=piece.curse_prefix,
                    entries=piece.entries,
                )
            )
    toks = _merge_multiword(toks, lexicon)
    _resolve_group_references(toks)  # (compares neighbours' sentences; no token indices)
    # One pass: token indices, sentences (renumbered densely) and the tag string.
    sentences: list[tuple[int, int]] = []
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    begin = 0
    previous = toks[0].sentence if toks else 0  # sentence number before renumbering
    for i, t in enumerate(toks):
        t.index = i
        if t.sentence != previous:
            sentences.append((begin, i))
            begin = i
            parts.append("# ")
            pos += 2
        previous = t.sentence
        t.sentence = len(sentences)
        tags = _tag_prefix(t.tags) if t.tags else ","
        piece = f"{tags}:{t.lemma.replace(' ', '_')} "
        offsets.append(pos)
        parts.append(piece)
        pos += len(piece)
    if toks:
        sentences.append((begin, len(toks)))
    vocabulary = frozenset({t.lemma for t in toks} | {tag for t in toks for tag in t.tags})
    return Analysis(doc.text, toks, sentences, "".join(parts), offsets, vocabulary)


@lru_cache(maxsize=4096)
def _tag_prefix(tags: frozenset[str]) -> str:
    """`,tag1,tag2,` (sorted) for the tag string; few distinct tag sets occur, so memoised."""
    return "," + ",".join(sorted(tags)) + ","


_JOINABLE = frozenset({"group", "slur", "insult", "dehum", "disease", "profanity", "negnoun"})


@lru_cache(maxsize=4096)
def _common_word(word: str) -> bool:
    """A first name that is also a common Dutch word ("frans", "zweer", "roos") is a name
    only when it is written with a capital; "levi", "bilal" are names in lower case too."""
    from classifiers.abuse.morphology import common_dutch

    return common_dutch(word)


def _ordinary(word: str, lexicon: Lexicon) -> bool:
    return word in lexicon.vocab or word in lexicon.common_words or word in lexicon.first_names


def _merge_multiword(toks: list[Tok], lexicon: Lexicon) -> list[Tok]:
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        merged = False
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if (
            nxt is not None
            and not t.tags
            and nxt.tags <= _NAME_TAGS
            and nxt.sentence == t.sentence
            and nxt.start - t.end == 1
            and len(t.lemma) + len(nxt.lemma) >= 5
            and not _ordinary(t.lemma, lexicon)
        ):
            # a space typed inside a word ("mos lims"): read the two halves together; the
            # second half may be a word of its own only when the whole is a group or a slur
            # ("vrou wen")
            joined = lexicon.match(t.lemma + nxt.lemma)
            kinds = {e.kind for e in joined[0].entries} if len(joined) == 1 else set()
            plain_half = not nxt.tags and not _ordinary(nxt.lemma, lexicon)
            whole_ok = plain_half or bool(kinds & {"group", "slur"})
            if whole_ok and len(joined) == 1 and joined[0].entries[0].kind in _JOINABLE:
                piece = joined[0]
                out.append(
                    Tok(piece.lemma, frozenset(e.kind for e in piece.entries), t.start, nxt.end,
                        t.sentence, severity=max(e.severity for e in piece.entries),
                        groups=frozenset(e.group for e in piece.entries if e.group),
                        quoted=t.quoted, clause=t.clause, how="joined",
                        curse_prefix=piece.curse_prefix, entries=piece.entries)
                )
                i += 2
                continue
        if (
            nxt is not None
            and "disease" in t.tags
            and nxt.sentence == t.sentence
            and nxt.tags & {"person", "insult", "slur", "group"}
        ):
            # "kanker kind", "tyfus lijer": a curse compound written as two words
            out.append(
                Tok(nxt.lemma, nxt.tags, t.start, nxt.end, t.sentence, severity=3,
                    groups=nxt.groups, quoted=t.quoted, clause=t.clause, how="compound",
                    curse_prefix=t.lemma, entries=nxt.entries)
            )
            i += 2
            continue
        for words, entries in lexicon.multi.get(t.lemma, ()):
            n = len(words)
            window = toks[i : i + n]
            if len(window) == n and all(
                w.lemma == words[k] or _plain(w.lemma) == words[k] for k, w in enumerate(window)
            ):
                out.append(
                    Tok(
                        " ".join(words),
                        frozenset(e.kind for e in entries),
                        window[0].start,
                        window[-1].end,
                        t.sentence,
                        severity=max(e.severity for e in entries),
                        groups=frozenset(e.group for e in entries if e.group),
                        quoted=t.quoted,
                        clause=t.clause,
                        how="multiword",
                        entries=tuple(entries),
                    )
                )
                i += n
                merged = True
                break
        if not merged:
            out.append(t)
            i += 1
    return out


_GROUP_PRONOUNS = W.set("group_pronouns")
_DEMONSTRATIVES = W.set("demonstratives")  # "die taal" is no reference
_GROUP_VERBS = W.set("group_verbs")
# (plural nouns read through their stem too: "types" -> "type", "figuren" -> "figuur")
_GROUP_NOUNS = W.set("group_nouns")
_ELLIPTIC_ALL = W.set("elliptic_all")
# "dat tuig", "die profiteurs" after a group is named: the word both refers and derogates
_POINTING = W.set("pointing")
_DEROGATORY_NOUN_TAGS = frozenset({"dehum", "negnoun"})
_COPULA_AFTER = W.set("copula_after")


COPULA_PRONOUNS = W.set("copula_pronouns")
POINTING_PRONOUNS = W.set("pointing_pronouns")


def _resolve_group_references(toks: list[Tok]) -> None:
    """Tag words that refer to a protected group ("gref"): pronouns and "die lui / dat soort
    mensen / zulke types" after the group was named, "het zijn" / "zijn het", the noun after
    a group adjective ("Poolse mensen", "Marokkaanse jongens"). A group adjective before a
    thing ("Turkse pizza", "het Marokkaanse restaurant") names no people: its group tag goes."""
    _group_adjectives(toks)
    last_groups: frozenset[str] = frozenset()
    for i, t in enumerate(toks):
        if "group" in t.tags:
            last_groups = t.groups or frozenset({"group"})
            continue
        if not last_groups:
            continue
        nxt = toks[i + 1].lemma if i + 1 < len(toks) else ""
        prev = toks[i - 1].lemma if i else ""
        same_prev = i > 0 and toks[i - 1].sentence == t.sentence
        last_in_sentence = i + 1 == len(toks) or toks[i + 1].sentence != t.sentence
        demonstrative_ok = t.lemma not in _DEMONSTRATIVES or nxt in _GROUP_VERBS
        refers = (
            (t.lemma in _GROUP_PRONOUNS and "you" not in t.tags and demonstrative_ok)
            or (t.lemma in COPULA_PRONOUNS and nxt in _COPULA_AFTER)
            # "Echte dieven zijn het."
            or (t.lemma == "het" and prev in _COPULA_AFTER and same_prev and last_in_sentence)
            or (t.lemma in _GROUP_NOUNS and prev in POINTING_PRONOUNS)
            # "Walgelijk volk.": a group noun after a derogatory adjective
            or (t.lemma in _GROUP_NOUNS and same_prev and "negadj" in toks[i - 1].tags)
            # "Ik ken genoeg X. Allemaal ...": an elliptic sentence about the group
            or (t.lemma in _ELLIPTIC_ALL and (i == 0 or toks[i - 1].sentence != t.sentence))
            # "... door dat tuig": a derogatory noun pointing back at the group
            or (not _DEROGATORY_NOUN_TAGS.isdisjoint(t.tags) and prev in _POINTING and same_prev)
        )
        if refers:
            t.tags = t.tags | {"gref"}
            t.groups = last_groups


def _group_adjectives(toks: list[Tok]) -> None:
    for i, t in enumerate(toks):
        if "gadj" not in t.tags or "group" not in t.tags or i + 1 >= len(toks):
            continue
        nxt = toks[i + 1]
        if nxt.sentence != t.sentence or nxt.clause != t.clause:
            continue
        if nxt.tags & {"gnoun", "person", "npgroup", "group", "slur", "insult", "negnoun"}:
            # "Poolse mensen", "Turkse buren": the noun is the group
            nxt.tags = nxt.tags | {"gref"}
            nxt.groups = t.groups
            continue
        if nxt.tags & {"object", "thing"}:
            # "die Turkse pizza", "het Marokkaanse restaurant": a thing, not people. The tag
            # "gthing" keeps the group for violence against its places ("dat Turkse centrum")
            t.tags = (t.tags - {"group"}) | {"gthing"}


def _plain(word: str) -> str:
    return word[:-1] if word.endswith("e") else word
