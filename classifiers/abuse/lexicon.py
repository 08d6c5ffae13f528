"""The abuse lexicon (data: classifiers/abuse/data/terms.tsv, judgements.tsv, vocab.txt) and
the term matcher.

The matcher turns one normalised token into lexicon entries, trying in order: the token,
simple inflections ("domme" -> "dom", "homo's" -> "homo"), its squeezed form (repeated
letters collapsed, "looser" -> "loser"), a masked letter ("k_nker"), a curse compound
("kankerprinter" = curse + "printer", "borstkanker" = health), one dropped, added, swapped
or changed letter (Damerau-Levenshtein 1 through a prebuilt deletion index, words of five
letters or more that are not ordinary words), and glued words ("jijbentzodom"). An ordinary
word is one of vocab.txt, deduce's common words, or a word that wordfreq counts as common
Dutch (Zipf frequency >= COMMON_ZIPF: "kikkers" is no misspelled slur, "ondergoed" is no
"onder goed").
Teen spellings of negation words ("nie", "noit", "nimand") are listed as kind "spelling"
in terms.tsv and read as the word they stand for. Terms in judgements.tsv (mild words of
judgement, many one letter from an everyday word) match only as written or inflected.
Everything is a dict lookup: no scan over the lexicon per token. The word forms (stems,
diminutives, comparatives, squeezed repeats) are in classifiers/abuse/morphology.py.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from classifiers.abuse.morphology import common_dutch, degree_stems, is_swap, squeeze, stems
from classifiers.abuse.words import W

LEXICON_DIR = Path(__file__).resolve().parent / "data"

# kinds that take part in fuzzy and glued matching (content words of abuse)
FUZZY_KINDS = frozenset(
    {"insult", "slur", "dehum", "disease", "profanity", "group", "negnoun", "negadj"}
)
CURSE_PREFIXES = W.seq("curse_prefixes")
# kinds that also match their comparative/superlative ("luiste" -> "lui", "dikste" -> "dik")
DEGREE_KINDS = frozenset({"negadj", "body"})
# function-word kinds: only exact matches ("zijn" is not an inflection of "zij")
CLOSED_KINDS = frozenset(
    {"you", "pron3s", "pron3p", "det", "neg", "intens", "healthverb",
     # discrimination context words: listed in the forms they take ("zwaar" is no "zwar")
     "benign", "gnoun", "thing", "gadj", "homonym", "practice",
     # frame words of rules/group_frames.py: exact forms only ("mis", "vergeten")
     "ruin", "animal", "victim", "habit", "procedure", "disgust",
     # words of safety advice ("Kindertelefoon", "strafbaar"): rules/filters.py
     "helpline"}
)
# a curse or slur word glued to a group term makes a slur ("rotjood", "kutmarokkanen")
GROUP_SLUR_PREFIXES = W.seq("group_slur_prefixes")
HEALTH_SUFFIX_KANKER = "kanker"
MEDICAL_RESTS = W.set("medical_rests")
_WORD_SPLIT = re.compile(r"\s+")
_RUN3 = re.compile(r"(.)\1\1")
MEMO_SIZE = 50_000


@dataclass(frozen=True)
class Entry:
    term: str
    kind: str
    severity: int
    group: str


@dataclass(frozen=True)
class Piece:
    """A lexicon reading of (part of) a token; start/end are offsets inside the token."""

    start: int
    end: int
    lemma: str
    entries: tuple[Entry, ...]
    # exact | spelling | inflection | squeeze | wildcard | fuzzy | compound | glued | health
    how: str

    @property
    def as_written(self) -> bool:
        """The token is the lexicon word itself (or its teen spelling), not a form of it."""
        return self.how == "exact" or self.how == "spelling"
    curse_prefix: str = ""
    # derived from the entries once, when the piece is made (pieces are memoised, and the
    # analysis needs these for every token that has them): the kinds, highest severity
    # (0 without entries) and groups of the entries
    kinds: frozenset[str] = field(init=False, repr=False)
    severity: int = field(init=False, repr=False)
    groups: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        entries = self.entries
        object.__setattr__(self, "kinds", frozenset(e.kind for e in entries))
        object.__setattr__(self, "severity", max((e.severity for e in entries), default=0))
        object.__setattr__(self, "groups", frozenset(e.group for e in entries if e.group))




CURSE_VERBS = W.seq("curse_verbs")
MEDICAL_CURSE_PREFIXES = W.set("medical_curse_prefixes")


class Lexicon:
    def __init__(self, directory: Path = LEXICON_DIR) -> None:
        self._memo: dict[str, list[Piece]] = {}
        self.entries: dict[str, list[Entry]] = defaultdict(list)
        self.multi: dict[str, list[tuple[tuple[str, ...], list[Entry]]]] = defaultdict(list)
        self._load_terms(directory / "terms.tsv")
        # terms matched only as written or inflected (no squeeze, no typo)
        self.exact_only: frozenset[str] = frozenset(self._load_terms(directory / "judgements.tsv"))
        # kind "spelling": a variant written for a closed-class word, 4th column the word
        # ("nie" -> "niet"); the variant gets that word's lemma and entries
        self.spellings: dict[str, str] = {
            term: e.group for term, entries in self.entries.items()
            for e in entries if e.kind == "spelling" and e.group in self.entries
        }
        for term in self.spellings:
            del self.entries[term]
        self.vocab: frozenset[str] = self._load_vocab(directory / "vocab.txt")
        self.squeezed: dict[str, str] = {}
        # homonym slurs ("potten") only through a stretched word ("niiiicht"), not "poten"
        self.squeezed_homonyms: dict[str, str] = {}
        for term, entries in self.entries.items():
            if term in self.exact_only:
                continue
            if any(e.kind == "homonym" for e in entries):
                self.squeezed_homonyms.setdefault(squeeze(term), term)
            else:
                self.squeezed.setdefault(squeeze(term), term)
        # deletion index for Damerau-Levenshtein-1 look-ups
        self.deletions: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for term, entries in self.entries.items():
            # a slur that is also an ordinary word ("potten") matches only as written
            homonym = any(e.kind == "homonym" for e in entries) or term in self.exact_only
            if len(term) >= 4 and any(e.kind in FUZZY_KINDS for e in entries) and not homonym:
                for i in range(len(term)):
                    self.deletions[term[:i] + term[i + 1 :]].append((term, i))
        self.common_words = _deduce_list("whitelist/lst_common_word/items.txt")
        excluded = _deduce_list("names/lst_first_name/exceptions.txt")
        self.first_names = frozenset(
            n for n in _deduce_list("names/lst_first_name/items.txt")
            if len(n) >= 3 and n not in excluded and n not in self.common_words
            and n not in self.vocab and n not in self.entries
        )
        self.segment_words = frozenset(self.vocab | set(self.entries) | self.first_names)
        self.max_segment = max(len(w) for w in self.segment_words)

    def _load_terms(self, path: Path) -> list[str]:
        """Add the rows of a terms file; returns its single-word terms."""
        loaded: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 2:
                raise ValueError(f"{path.name}: bad line {line!r}")
            term, kind = cols[0].strip().lower(), cols[1].strip()
            severity = int(cols[2]) if len(cols) > 2 and cols[2].strip() else 2
            group = cols[3].strip() if len(cols) > 3 else ""
            entry = Entry(term, kind, severity, group)
            words = tuple(_WORD_SPLIT.split(term))
            if len(words) > 1:
                self.multi[words[0]].append((words, [entry]))
            else:
                self.entries[term].append(entry)
                loaded.append(term)
        return loaded

    @staticmethod
    def _load_vocab(path: Path) -> frozenset[str]:
        words: set[str] = set()
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                continue
            words.update(w for w in line.split() if w)
        return frozenset(words)

    # -- single-token look-ups -------------------------------------------------------

    def exact(self, word: str) -> list[Entry]:
        return self.entries.get(word, [])

    def inflected(self, word: str) -> tuple[str, list[Entry]] | None:
        for stem in stems(word):
            entries = self.entries.get(stem, ())
            if any(e.kind == "homonym" for e in entries):
                continue
            found = [e for e in entries if e.kind not in CLOSED_KINDS]
            if found:
                return stem, found
        # comparative and superlative of an adjective ("luiste", "viezer", "domste")
        for stem in degree_stems(word):
            found = [e for e in self.entries.get(stem, ()) if e.kind in DEGREE_KINDS]
            if found:
                return stem, found
        return None

    def match(self, token: str) -> list[Piece]:
        """Lexicon readings of one normalised token (empty when none), memoised: the same
        words come back in every text. The memo is bounded so that it cannot grow forever."""
        found = self._memo.get(token)
        if found is None:
            found = self._match(token)
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[token] = found
        return found

    def _match(self, token: str) -> list[Piece]:
        word = token.replace("-", "") if "-" in token else token
        n = len(word)
        canonical = self.spellings.get(token)
        if canonical:  # "nie", "noit", "nimand": a function word spelled the teen way
            return [Piece(0, len(token), canonical, tuple(self.entries[canonical]), "spelling")]
        found = self.entries.get(token) or self.entries.get(word)
        if found:
            return [Piece(0, len(token), found[0].term, tuple(found), "exact")]
        if word in self.vocab:
            return []
        if n >= 8:
            grouped = self._group_compound(token, word)
            if grouped:
                return grouped
        infl = self.inflected(word)
        if infl:
            return [Piece(0, len(token), infl[0], tuple(infl[1]), "inflection")]
        sq = self.squeezed.get(squeeze(word))
        if not sq and _RUN3.search(word):
            sq = self.squeezed_homonyms.get(squeeze(word))
        if sq:
            found = tuple(e for e in self.entries[sq] if e.kind not in CLOSED_KINDS)
            if found:
                return [Piece(0, len(token), sq, found, "squeeze")]
        if "_" in word and n >= 3:
            hit = self._wildcard(word)
            if hit:
                return [Piece(0, len(token), hit, tuple(self.entries[hit]), "wildcard")]
        compound = self._compound(token, word)
        if compound:
            return compound
        if n >= 5:
            hit = self._fuzzy(word)
            if hit:
                return [Piece(0, len(token), hit, tuple(self.entries[hit]), "fuzzy")]
        if 7 <= n <= 40 and word == token and not common_dutch(word):
            return self._glued(word)
        if "-" in token:
            return self._hyphenated(token)
        return []

    def _hyphenated(self, token: str) -> list[Piece]:
        """"dikzak-lijf", "homo-haters": read the parts on their own."""
        pieces: list[Piece] = []
        pos = 0
        for part in token.split("-"):
            if len(part) >= 2:
                for p in self.match(part):
                    pieces.append(Piece(pos + p.start, pos + p.end, p.lemma, p.entries, p.how,
                                        p.curse_prefix))
            pos += len(part) + 1
        return pieces

    def _wildcard(self, word: str) -> str | None:
        pos = word.index("_")
        key = word[:pos] + word[pos + 1 :]
        if "_" in key:
            return None
        for term, i in self.deletions.get(key, ()):
            if i == pos:
                return term
        return None

    def _group_compound(self, token: str, word: str) -> list[Piece]:
        """"rotjood" (curse + group) and "moslimtuig" (group + insult) read as slurs."""
        for prefix in GROUP_SLUR_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                rest = word[len(prefix) :]
                found = self.entries.get(rest) or (self.inflected(rest) or ("", []))[1]
                if any(e.kind == "group" for e in found):
                    group = next(e.group for e in found if e.kind == "group")
                    slur = Entry(word, "slur", 3, group)
                    return [Piece(0, len(token), word, (slur, *found), "compound")]
        if len(word) >= 8:
            for cut in range(4, len(word) - 2):
                head, rest = word[:cut], word[cut:]
                head_entries = self.entries.get(head) or (self.inflected(head) or ("", []))[1]
                if not any(e.kind == "group" for e in head_entries):
                    continue
                rest_entries = self.entries.get(rest, [])
                if any(e.kind in {"insult", "dehum", "negnoun"} for e in rest_entries):
                    group = next(e.group for e in head_entries if e.kind == "group")
                    slur = Entry(word, "slur", 3, group)
                    return [Piece(0, len(token), word, (slur, *head_entries), "compound")]
        return []

    def _compound(self, token: str, word: str) -> list[Piece]:
        grouped = self._group_compound(token, word)
        if grouped:
            return grouped
        if word.endswith(HEALTH_SUFFIX_KANKER) and len(word) > 7:
            head = word[: -len(HEALTH_SUFFIX_KANKER)]
            # "krijgdekanker" is "krijg de kanker" glued, not a kind of cancer
            curse_verb = head.startswith(CURSE_VERBS)
            if not curse_verb and not any(head.startswith(p) for p in CURSE_PREFIXES):
                return [Piece(0, len(token), word, (Entry(word, "health", 1, ""),), "health")]
        for prefix in CURSE_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                rest = word[len(prefix) :]
                if rest in MEDICAL_RESTS and prefix in MEDICAL_CURSE_PREFIXES:
                    return [Piece(0, len(token), word, (Entry(word, "health", 1, ""),), "health")]
                rest_entries = self.entries.get(rest) or (self.inflected(rest) or ("", []))[1]
                if not rest_entries and len(rest) >= 5:
                    hit = self._fuzzy(rest)
                    rest_entries = self.entries[hit] if hit else []
                curse = Entry(prefix, "curse_compound", 2, "")
                lemma = rest_entries[0].term if rest_entries else rest
                return [Piece(0, len(token), lemma, (curse, *rest_entries), "compound", prefix)]
        return []

    def _fuzzy(self, word: str) -> str | None:
        if word in self.vocab or word in self.common_words or word in self.first_names:
            return None
        if common_dutch(word):
            return None  # "korte", "kikkers": an ordinary word, not "klote", "nikkers"
        candidates: list[str] = []
        # the token lost a letter
        for term, _ in self.deletions.get(word, ()):
            candidates.append(term)
        for i in range(len(word)):
            key = word[:i] + word[i + 1 :]
            # the token has one letter too many
            fuzzy_entry = key not in self.exact_only and any(
                e.kind in FUZZY_KINDS for e in self.entries.get(key, ())
            )
            if fuzzy_entry and len(key) >= 5:
                candidates.append(key)
            # one letter changed (same position) or two neighbours swapped
            for term, j in self.deletions.get(key, ()):
                if j == i or (abs(j - i) == 1 and is_swap(word, term)):
                    candidates.append(term)
        if len(word) < 7:
            candidates = [t for t in candidates if t[0] == word[0]]
        if not candidates:
            return None
        # prefer the candidate sharing the first letter, then the longest
        candidates.sort(key=lambda t: (t[0] != word[0], -len(t)))
        return candidates[0]

    def _glued(self, word: str) -> list[Piece]:
        n = len(word)
        best: list[list[str] | None] = [None] * (n + 1)
        best[0] = []
        for i in range(n):
            current = best[i]
            if current is None:
                continue
            for j in range(i + 1, min(n, i + self.max_segment) + 1):
                part = word[i:j]
                known = part in self.segment_words or (len(part) > 3 and self.inflected(part))
                if known and (len(part) > 1 or part == "u"):
                    candidate = [*current, part]
                    existing = best[j]
                    if existing is None or len(candidate) < len(existing):
                        best[j] = candidate
        parts = best[n]
        if not parts or len(parts) < 2:
            return []
        if parts[0] == "ge":
            return []  # "geslapen", "gelezen": a past participle, not Flemish "ge" + a word
        # a long run of known words ("jijhoorternietbij") splits even without a lexicon entry
        sentence_like = n >= 16 and len(parts) >= 4
        if not sentence_like and not any(
            self.entries.get(p) or self.inflected(p) for p in parts if len(p) > 1
        ):
            return []
        pieces: list[Piece] = []
        pos = 0
        for part in parts:
            entries = tuple(self.entries.get(part, ()))
            if not entries:
                entries = tuple((self.inflected(part) or ("", ()))[1])
            pieces.append(Piece(pos, pos + len(part), part, entries, "glued"))
            pos += len(part)
        return pieces


def _deduce_list(relative: str) -> frozenset[str]:
    """A word list shipped with deduce (first names, common Dutch words), lower-cased."""
    try:
        import deduce
    except ImportError:  # pragma: no cover - deduce is a dependency
        return frozenset()
    path = Path(deduce.__file__).parent / "data" / "lookup" / "src" / relative
    if not path.exists():
        return frozenset()
    words = path.read_text(encoding="utf-8").split("\n")
    return frozenset(w.strip().lower() for w in words if w.strip())
