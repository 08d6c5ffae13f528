"""Expand the template files into labelled records and split them by template.

A template and all its fills (and all its context variants) live in exactly one split.
Slot values are partly split-specific, so the test split contains words, names and groups
that never occur in train.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from classifiers.categories import HARD_NEGATIVE_KINDS, SUBTYPES
from classifiers.corpus import entities, spelling

HERE = Path(__file__).resolve().parent
SPLITS = ("train", "dev", "test")
SLOT_RE = re.compile(r"\{([a-z_0-9]+)(#\d+)?(?:\.([a-z_]+))?\}")
VALID_ACCOUNT = ("official", "private", "unknown")
VALID_ROLE = ("staff", "adult", "child", "unknown")


class CorpusError(ValueError):
    """A template or slot file is malformed."""


def _hash(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:12], 16)


@dataclass(frozen=True)
class Template:
    id: str
    text: str
    labels: tuple[str, ...]
    subtypes: tuple[str, ...]
    hard_negative: str | None
    context: dict[str, Any]
    style: str
    n: int
    variants: tuple[dict[str, Any], ...]
    source: str
    noisy: frozenset[str] = frozenset()
    pinned: str | None = None  # `split: train` on a block: added training data (see below)

    @property
    def stratum(self) -> str:
        if self.hard_negative:
            return f"hn:{self.hard_negative}"
        if self.subtypes:
            return self.subtypes[0]
        return "plain"


@dataclass
class Record:
    id: str
    text: str
    labels: list[str]
    subtypes: list[str]
    hard_negative: str | None
    template: str
    context: dict[str, str]
    split: str = field(default="train", repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "labels": self.labels,
            "subtypes": self.subtypes,
            "hard_negative": self.hard_negative,
            "template": self.template,
            "context": self.context,
        }


# ---------------------------------------------------------------- loading


@dataclass
class Config:
    seed: int
    split_cycle: tuple[str, ...]
    slot_fractions: dict[str, float]
    default_n: int
    n_scale: float
    word_noise: float
    glue: float
    emoji: float
    teen_rate: float
    noisy_slots: frozenset[str]


def load_config(root: Path = HERE) -> Config:
    raw = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    return Config(
        seed=int(raw["seed"]),
        split_cycle=tuple(raw["split_cycle"]),
        slot_fractions=dict(raw["slot_fractions"]),
        default_n=int(raw["default_n"]),
        n_scale=float(raw.get("n_scale", 1.0)),
        word_noise=float(raw["noise"]["word"]),
        glue=float(raw["noise"]["glue"]),
        emoji=float(raw["noise"]["emoji"]),
        teen_rate=float(raw["noise"]["teen_rate"]),
        noisy_slots=frozenset(raw["noisy_slots"]),
    )


def _slot_split(value: str, slot: str, fractions: dict[str, float]) -> str:
    bucket = (_hash(f"{slot}|{value}") % 1000) / 1000
    acc = 0.0
    for split in ("all", "train", "dev", "test"):
        acc += fractions[split]
        if bucket < acc:
            return split
    return "all"


class Slots:
    """Slot values per split: simple lists (tsv) and records (yaml)."""

    def __init__(self, root: Path, config: Config) -> None:
        self._simple: dict[str, list[tuple[str, str]]] = {}
        self._records: dict[str, list[tuple[dict[str, Any], str]]] = {}
        for path in sorted((root / "slots").glob("*.tsv")):
            values: list[tuple[str, str]] = []
            lines = path.read_text(encoding="utf-8").splitlines()
            small = sum(1 for line in lines if line.strip() and not line.startswith("#")) < 8
            for line in lines:
                if not line.strip() or line.startswith("#"):
                    continue
                parts = line.split("\t")
                value = parts[0].strip()
                if value == "<empty>":
                    value = ""
                if len(parts) > 1 and parts[1].strip():
                    split = parts[1].strip()
                elif small:
                    split = "all"
                else:
                    split = _slot_split(value, path.stem, config.slot_fractions)
                if split not in ("all", *SPLITS):
                    raise CorpusError(f"{path.name}: unknown split {split!r} for {value!r}")
                values.append((value, split))
            self._simple[path.stem] = values
        for path in sorted((root / "slots").glob("*.yaml")):
            items = yaml.safe_load(path.read_text(encoding="utf-8"))
            records: list[tuple[dict[str, Any], str]] = []
            for item in items:
                split = item.pop("split", None) or _slot_split(
                    json.dumps(item, sort_keys=True), path.stem, config.slot_fractions
                )
                if split not in ("all", *SPLITS):
                    raise CorpusError(f"{path.name}: unknown split {split!r} in {item!r}")
                records.append((item, split))
            self._records[path.stem] = records

    def names(self) -> set[str]:
        return set(self._simple) | set(self._records)

    def pool(self, slot: str, split: str) -> list[Any]:
        if slot in self._simple:
            items = self._simple[slot]
        elif slot in self._records:
            items = self._records[slot]
        else:
            raise CorpusError(f"unknown slot {{{slot}}}")
        chosen = [v for v, s in items if s in ("all", split)]
        return chosen or [v for v, _ in items]

    def vocabulary(self, slot: str) -> list[tuple[Any, str]]:
        return list(self._simple.get(slot) or self._records.get(slot) or [])


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def load_templates(root: Path, config: Config) -> list[Template]:
    templates: list[Template] = []
    seen: set[str] = set()
    for path in sorted((root / "templates").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in doc["blocks"]:
            bid = block["id"]
            for i, entry in enumerate(block["templates"], start=1):
                item = {"text": entry} if isinstance(entry, str) else dict(entry)
                if " ||" in item["text"]:
                    # "text ||+cat/sub +cat/sub": extra subtypes for this template only
                    text, extra = item["text"].split(" ||", 1)
                    subs = list(_as_tuple(item.get("subtypes", block.get("subtypes"))))
                    labels = list(_as_tuple(item.get("labels", block.get("labels"))))
                    for token in extra.split():
                        sub = token.lstrip("+")
                        subs.append(sub)
                        if sub.split("/")[0] not in labels:
                            labels.append(sub.split("/")[0])
                    item.update(text=text.rstrip(), subtypes=subs, labels=labels)
                tid = item.get("id") or f"{bid}.{i:02d}"
                if tid in seen:
                    raise CorpusError(f"{path.name}: duplicate template id {tid}")
                seen.add(tid)
                context = {**block.get("context", {}), **item.get("context", {})}
                templates.append(
                    Template(
                        id=tid,
                        text=item["text"],
                        labels=_as_tuple(item.get("labels", block.get("labels"))),
                        subtypes=_as_tuple(item.get("subtypes", block.get("subtypes"))),
                        hard_negative=item.get("hard_negative", block.get("hard_negative")),
                        context=context,
                        style=item.get("style", block.get("style", "plain")),
                        n=max(
                            3,
                            round(
                                int(item.get("n", block.get("n", config.default_n)))
                                * config.n_scale
                            ),
                        ),
                        variants=tuple(item.get("variants", block.get("variants", ()))),
                        source=path.name,
                        noisy=frozenset(item.get("noisy", block.get("noisy", ()))),
                        pinned=item.get("split", block.get("split")),
                    )
                )
    for t in templates:
        if t.pinned not in (None, "train"):
            raise CorpusError(f"{t.id}: split may only be 'train' (dev and test are dealt out)")
        validate_labels(t.labels, t.subtypes, t.hard_negative, where=t.id)
        for sub, slots in IDENTIFIER_SLOTS.items():
            present = any(slot in t.text for slot in slots)
            if (sub in t.subtypes) != present:
                raise CorpusError(f"{t.id}: subtype {sub} must be set exactly when {slots} is used")
        for variant in t.variants:
            validate_labels(
                _as_tuple(variant.get("labels", t.labels)),
                _as_tuple(variant.get("subtypes", t.subtypes)),
                variant.get("hard_negative", t.hard_negative),
                where=f"{t.id}/{variant.get('suffix')}",
            )
    return templates


# A personal-data subtype is set exactly when the template contains one of these slots
# (a street name without a house number is not an address).
IDENTIFIER_SLOTS = {
    "personal_data/phone": ("{mobile", "{phone", "{landline"),
    "personal_data/email": ("{email",),
    "personal_data/address": ("{street} {n}",),
    "personal_data/bsn": ("{bsn",),
    "personal_data/iban": ("{iban",),
    "personal_data/birth_date": ("{birth_date",),
}


def validate_labels(
    labels: Iterable[str], subtypes: Iterable[str], hard_negative: str | None, where: str
) -> None:
    labels = list(labels)
    for label in labels:
        if label not in SUBTYPES:
            raise CorpusError(f"{where}: unknown label {label!r}")
    for sub in subtypes:
        cat, _, name = sub.partition("/")
        if cat not in SUBTYPES or name not in SUBTYPES[cat]:
            raise CorpusError(f"{where}: unknown subtype {sub!r}")
        if cat not in labels:
            raise CorpusError(f"{where}: subtype {sub!r} without label {cat!r}")
    for label in labels:
        if not any(s.startswith(label + "/") for s in subtypes):
            raise CorpusError(f"{where}: label {label!r} without a subtype")
    if hard_negative is not None:
        if hard_negative not in HARD_NEGATIVE_KINDS:
            raise CorpusError(f"{where}: unknown hard-negative kind {hard_negative!r}")
        if {"bullying", "discrimination"} & set(labels):
            raise CorpusError(f"{where}: a hard negative cannot be bullying/discrimination")


# ---------------------------------------------------------------- splitting


# Slots that only decorate a message; they do not make two templates different.
DECORATION_SLOTS = frozenset(
    {"emoji", "emoji_pos", "tail", "intj", "news_tail", "reply_tail", "conf_lead", "addressee"}
)


def skeleton(text: str) -> frozenset[str]:
    """Words and slot names of a template, without decoration slots."""
    tokens = {m.group(1) for m in SLOT_RE.finditer(text) if m.group(1) not in DECORATION_SLOTS}
    words = re.findall(r"\w+", SLOT_RE.sub(" ", text).lower())
    return frozenset(tokens | {f"w:{w}" for w in words})


def skeleton_string(text: str) -> str:
    """The template as a string with slot names in brackets and decoration slots removed."""

    def slot(m: re.Match[str]) -> str:
        return "" if m.group(1) in DECORATION_SLOTS else f"<{m.group(1)}>"

    folded = SLOT_RE.sub(slot, text.lower())
    return re.sub(r"\s+", " ", re.sub(r"[^\w<> ]", " ", folded)).strip()


def similar_skeletons(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when one template is a variant of the other (near-identical wording and slots)."""
    if not a or not b:
        return False
    small, large = sorted((a, b), key=len)
    if len(small & large) / len(small | large) >= 0.75:
        return True
    return small <= large and len(small) >= 2 and len(small) / len(large) >= 0.6


@dataclass(frozen=True)
class _Shape:
    id: str
    words: frozenset[str]
    text: str
    bigrams: frozenset[str]


def _shape(t: Template) -> _Shape:
    text = skeleton_string(t.text)
    bigrams = frozenset(text[i : i + 2] for i in range(len(text) - 1))
    return _Shape(t.id, skeleton(t.text), text, bigrams)


def _variants(a: _Shape, b: _Shape, matcher: difflib.SequenceMatcher[str]) -> bool:
    """One template is a variant of the other. `matcher` has b=a.text set (it caches b)."""
    if similar_skeletons(a.words, b.words):
        return True
    # cheap filter on shared character bigrams before the character-level ratio
    if len(a.bigrams & b.bigrams) < 0.4 * len(a.bigrams | b.bigrams):
        return False
    matcher.set_seq1(b.text)
    return matcher.real_quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def template_families(templates: list[Template]) -> dict[str, str]:
    """Union templates whose skeletons are similar; a family lives in one split."""
    parent = {t.id: t.id for t in templates}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    shapes = [_shape(t) for t in templates]
    for i, a in enumerate(shapes):
        matcher = difflib.SequenceMatcher(None, b=a.text, autojunk=False)  # b is cached
        for b in shapes[i + 1 :]:
            if _variants(a, b, matcher):
                parent[find(a.id)] = find(b.id)
    return {t.id: find(t.id) for t in templates}


def assign_splits(templates: list[Template], config: Config) -> dict[str, str]:
    """Stratified by primary subtype / hard-negative kind, deterministic by template id.

    Near-identical templates form a family and are dealt out together. Templates pinned to
    train (`split: train`, training data added later) take no part in the dealing, so adding
    them never moves another template; one that is a variant of a dev or test template is
    refused (it would leak that template into train).
    """
    dealt = [t for t in templates if t.pinned is None]
    families = template_families(dealt)
    members: dict[str, list[Template]] = {}
    for t in dealt:
        members.setdefault(families[t.id], []).append(t)
    strata: dict[str, list[str]] = {}
    for root, group in members.items():
        stratum = Counter(t.stratum for t in group).most_common(1)[0][0]
        strata.setdefault(stratum, []).append(root)
    result: dict[str, str] = {}
    for key, roots in sorted(strata.items()):
        ordered = sorted(roots, key=lambda r: _hash(f"{config.seed}|{r}"))
        offset = _hash(key) % 3  # not every stratum starts its cycle at the same place
        for i, root in enumerate(ordered):
            split = config.split_cycle[(i + offset) % len(config.split_cycle)]
            for t in members[root]:
                result[t.id] = split
    pinned = [t for t in templates if t.pinned is not None]
    if pinned:
        held_out = [_shape(t) for t in dealt if result[t.id] != "train"]
        for t in pinned:
            result[t.id] = "train"
            added = _shape(t)
            matcher = difflib.SequenceMatcher(None, b=added.text, autojunk=False)
            for other in held_out:
                if _variants(added, other, matcher):
                    raise CorpusError(
                        f"{t.id}: a variant of {other.id}, which is in {result[other.id]}; "
                        "word it differently"
                    )
    return result


# ---------------------------------------------------------------- filling


class Filler:
    def __init__(self, slots: Slots, config: Config) -> None:
        self.slots = slots
        self.config = config

    def fill(
        self, text: str, split: str, rng: random.Random, noisy: frozenset[str] = frozenset()
    ) -> str:
        chosen: dict[str, Any] = {}
        used: dict[str, set[str]] = {}
        noisy = self.config.noisy_slots | noisy
        for _ in range(4):  # slot values may contain slots themselves
            if "{" not in text:
                break
            text = SLOT_RE.sub(lambda m: self._value(m, split, rng, chosen, used, noisy), text)
        if "{" in text or "}" in text:
            raise CorpusError(f"unresolved slot in {text!r}")
        return text

    def _value(
        self,
        match: re.Match[str],
        split: str,
        rng: random.Random,
        chosen: dict[str, Any],
        used: dict[str, set[str]],
        noisy: frozenset[str],
    ) -> str:
        slot, nth, fieldname = match.group(1), match.group(2) or "", match.group(3)
        key = slot + nth
        if key not in chosen:
            chosen[key] = self._draw(slot, split, rng, used.setdefault(slot, set()), chosen)
        value = chosen[key]
        if isinstance(value, dict):
            if fieldname is None:
                raise CorpusError(f"slot {{{slot}}} needs a field, e.g. {{{slot}.plural}}")
            picked = value[fieldname]
            if isinstance(picked, list):
                picked = rng.choice(picked)
            return self._noisy(f"{slot}.{fieldname}", str(picked), rng, noisy)
        return self._noisy(slot, str(value), rng, noisy)

    def _noisy(self, slot: str, value: str, rng: random.Random, noisy: frozenset[str]) -> str:
        if slot in noisy and rng.random() < self.config.word_noise:
            return spelling.vary_word(value, rng)
        return value

    def _draw(
        self, slot: str, split: str, rng: random.Random, used: set[str], chosen: dict[str, Any]
    ) -> Any:
        if slot in entities.GENERATED:
            return entities.GENERATED[slot](rng)
        if slot == "email":
            first = rng.choice(self.slots.pool("name", split))
            last = rng.choice(self.slots.pool("surname", split))
            return entities.email(rng, first, last)
        pool = self.slots.pool(slot, split)
        fresh = [v for v in pool if json.dumps(v, sort_keys=True) not in used] or pool
        value = rng.choice(fresh)
        used.add(json.dumps(value, sort_keys=True))
        return value


def _capitalise(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :] if ch.islower() else text
        if ch not in "\"'‘“(":
            return text
    return text


def _context(raw: dict[str, Any], rng: random.Random, where: str) -> dict[str, str]:
    acc = raw.get("account_type", "unknown")
    role = raw.get("author_role", "unknown")
    acc = rng.choice(acc) if isinstance(acc, list) else acc
    role = rng.choice(role) if isinstance(role, list) else role
    if acc not in VALID_ACCOUNT or role not in VALID_ROLE:
        raise CorpusError(f"{where}: bad context {raw!r}")
    return {"account_type": acc, "author_role": role}


def near_duplicate_key(text: str) -> str:
    """Fold case, accents, leet, punctuation, spaces and repeated letters."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.translate(str.maketrans("013457@$!", "oieastasi"))
    folded = "".join(c for c in folded if c.isalnum())
    return re.sub(r"(.)\1+", r"\1", folded)


def expand(template: Template, split: str, filler: Filler, config: Config) -> list[Record]:
    rng = random.Random(_hash(f"{config.seed}|{template.id}"))
    records: list[Record] = []
    seen: set[str] = set()
    attempts = 0
    k = 0
    while k < template.n and attempts < template.n * 8:
        attempts += 1
        text = filler.fill(template.text, split, rng, template.noisy)
        teen_roll = rng.random()
        key = near_duplicate_key(text)
        if key in seen:
            continue
        seen.add(key)
        k += 1
        base = {
            "suffix": "",
            "labels": template.labels,
            "subtypes": template.subtypes,
            "hard_negative": template.hard_negative,
            "context": template.context,
        }
        for variant in (base, *template.variants):
            vtext = text
            if variant.get("prepend") or variant.get("append"):
                vrng = random.Random(_hash(f"{template.id}|{k}|{variant.get('suffix')}"))
                if variant.get("prepend"):
                    lead = filler.fill(variant["prepend"], split, vrng)
                    if lead[-1:].isalpha() or lead.endswith(","):
                        vtext = vtext[:1].lower() + vtext[1:]
                    vtext = lead + " " + vtext
                if variant.get("append"):
                    vtext = vtext + " " + filler.fill(variant["append"], split, vrng)
            suffix = variant.get("suffix", "")
            ctx = {**template.context, **variant.get("context", {})}
            context = _context(ctx, random.Random(_hash(f"{template.id}{k}{suffix}")), template.id)
            teen = (
                template.style == "teen"
                and context["author_role"] in ("child", "unknown")
                and teen_roll < config.teen_rate
            )
            if teen:
                vtext = spelling.teen_message(vtext, random.Random(k), config.glue, config.emoji)
            else:
                vtext = _capitalise(vtext)
            vtext = re.sub(r"\s+([,.!?])", r"\1", vtext).strip()
            records.append(
                Record(
                    id=f"{template.id}.{k:03d}{'-' + suffix if suffix else ''}",
                    text=vtext,
                    labels=list(variant.get("labels", template.labels)),
                    subtypes=list(variant.get("subtypes", template.subtypes)),
                    hard_negative=variant.get("hard_negative", template.hard_negative),
                    template=template.id,
                    context=context,
                    split=split,
                )
            )
    return records


def generate(root: Path = HERE) -> dict[str, list[Record]]:
    config = load_config(root)
    slots = Slots(root, config)
    templates = load_templates(root, config)
    splits = assign_splits(templates, config)
    filler = Filler(slots, config)
    out: dict[str, list[Record]] = {s: [] for s in SPLITS}
    owner: dict[str, str] = {}
    seen_in_split: set[tuple[str, str, str]] = set()
    # pinned (added) training templates come last: they never take a text from dev or test
    by_split = sorted(
        templates, key=lambda t: (t.pinned is not None, SPLITS.index(splits[t.id]), t.id)
    )
    for template in by_split:
        split = splits[template.id]
        for record in expand(template, split, filler, config):
            key = near_duplicate_key(record.text)
            if owner.setdefault(key, split) != split:
                continue  # the same text already lives in another split
            ctx_key = (key, record.context["account_type"], record.context["author_role"])
            if ctx_key in seen_in_split:
                continue
            seen_in_split.add(ctx_key)
            out[split].append(record)
    for split in SPLITS:
        random.Random(config.seed).shuffle(out[split])
    return out


def write(out: dict[str, list[Record]], data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    for split, records in out.items():
        with (data_dir / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")


def statistics(out: dict[str, list[Record]]) -> dict[str, Counter[str]]:
    stats: dict[str, Counter[str]] = {}
    for split, records in out.items():
        counter: Counter[str] = Counter()
        counter["total"] = len(records)
        for r in records:
            if not r.labels:
                counter["negative"] += 1
            for label in r.labels:
                counter[label] += 1
            for sub in r.subtypes:
                counter[sub] += 1
            if r.hard_negative:
                counter["hard_negative/" + r.hard_negative] += 1
            counter["templates"] += 0
        counter["templates"] = len({r.template for r in records})
        stats[split] = counter
    return stats
