"""The committed corpus (classifiers/data/*.jsonl) is valid, big enough and split by template."""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

from classifiers.categories import HARD_NEGATIVE_KINDS, SUBTYPES
from classifiers.corpus import generator

DATA = Path(__file__).resolve().parents[2] / "classifiers" / "data"
SPLITS = ("train", "dev", "test")
ACCOUNT_TYPES = {"official", "private", "unknown"}
AUTHOR_ROLES = {"staff", "adult", "child", "unknown"}
DISCLAIMER = re.compile(r"persoonlijke (mening|titel)|niet namens de school", re.IGNORECASE)


def _load(split: str) -> list[dict]:
    with (DATA / f"{split}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[dict]]:
    return {split: _load(split) for split in SPLITS}


def _key(text: str) -> str:
    """Near-duplicate key: case, accents, leet, punctuation, spacing, repeated letters."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.translate(str.maketrans("013457@$!", "oieastasi"))
    folded = "".join(c for c in folded if c.isalnum())
    return re.sub(r"(.)\1+", r"\1", folded)


def test_sizes_per_split(corpus):
    sizes = {split: len(rows) for split, rows in corpus.items()}
    assert sum(sizes.values()) >= 6000, sizes
    assert sizes["test"] >= 1200, sizes
    assert sizes["dev"] >= 800, sizes
    assert sizes["train"] >= 4000, sizes


def test_files_stay_small():
    for split in SPLITS:
        assert (DATA / f"{split}.jsonl").stat().st_size < 5_000_000


def test_records_follow_schema(corpus):
    valid_subtypes = {f"{c}/{s}" for c, subs in SUBTYPES.items() for s in subs}
    for rows in corpus.values():
        for row in rows:
            assert set(row) == {
                "id",
                "text",
                "labels",
                "subtypes",
                "hard_negative",
                "template",
                "context",
            }, row
            assert row["text"].strip() and "{" not in row["text"], row
            assert set(row["labels"]) <= set(SUBTYPES), row
            assert set(row["subtypes"]) <= valid_subtypes, row
            # every label has a subtype and every subtype its label
            assert {s.split("/")[0] for s in row["subtypes"]} == set(row["labels"]), row
            assert row["hard_negative"] is None or row["hard_negative"] in HARD_NEGATIVE_KINDS
            if row["hard_negative"]:
                assert not {"bullying", "discrimination"} & set(row["labels"]), row
            assert row["context"]["account_type"] in ACCOUNT_TYPES, row
            assert row["context"]["author_role"] in AUTHOR_ROLES, row


def test_ids_unique(corpus):
    ids = Counter(row["id"] for rows in corpus.values() for row in rows)
    assert [i for i, n in ids.items() if n > 1] == []


def test_test_split_covers_every_category_subtype_and_kind(corpus):
    test = corpus["test"]
    labels = Counter(label for row in test for label in row["labels"])
    subtypes = Counter(sub for row in test for sub in row["subtypes"])
    kinds = Counter(row["hard_negative"] for row in test if row["hard_negative"])
    short = {c: labels[c] for c in SUBTYPES if labels[c] < 30}
    short |= {
        f"{c}/{s}": subtypes[f"{c}/{s}"]
        for c, subs in SUBTYPES.items()
        for s in subs
        if subtypes[f"{c}/{s}"] < 15
    }
    short |= {k: kinds[k] for k in HARD_NEGATIVE_KINDS if kinds[k] < 40}
    assert short == {}
    assert sum(1 for row in test if not row["labels"]) >= 300


def test_no_template_shared_across_splits(corpus):
    owner: dict[str, str] = {}
    for split, rows in corpus.items():
        for row in rows:
            assert owner.setdefault(row["template"], split) == split, row["template"]


def test_no_duplicate_or_near_duplicate_text_across_splits(corpus):
    owner: dict[str, str] = {}
    clashes = []
    for split, rows in corpus.items():
        for row in rows:
            if owner.setdefault(_key(row["text"]), split) != split:
                clashes.append(row["text"])
    assert clashes == []


def _template_shape(text: str) -> str:
    """A template with slots as <name>; emoji, interjections and sign-offs dropped."""
    decoration = {"emoji", "emoji_pos", "tail", "intj", "news_tail", "reply_tail"}
    decoration |= {"conf_lead", "addressee"}

    def slot(m: re.Match[str]) -> str:
        return "" if m.group(1) in decoration else f"<{m.group(1)}>"

    folded = re.sub(r"\{([a-z_0-9]+)(#\d+)?(\.[a-z_]+)?\}", slot, text.lower())
    return re.sub(r"\s+", " ", re.sub(r"[^\w<> ]", " ", folded)).strip()


def test_no_template_is_a_variant_of_a_template_in_another_split(corpus):
    """'jij bent echt een {insult}' in train and 'jij bent echt een {insult} 🤡' in test
    would let test measure memory instead of generalisation."""
    owner = {row["template"]: split for split, rows in corpus.items() for row in rows}
    root = generator.HERE
    templates = generator.load_templates(root, generator.load_config(root))
    shapes = [(owner[t.id], _template_shape(t.text)) for t in templates if t.id in owner]
    grams = [frozenset(s[i : i + 2] for i in range(len(s) - 1)) for _, s in shapes]
    clashes = []
    for i, (split_a, shape_a) in enumerate(shapes):
        matcher = difflib.SequenceMatcher(None, b=shape_a, autojunk=False)
        for j in range(i + 1, len(shapes)):
            split_b, shape_b = shapes[j]
            if split_a == split_b or len(grams[i] & grams[j]) < 0.3 * len(grams[i] | grams[j]):
                continue
            matcher.set_seq1(shape_b)
            if matcher.ratio() >= 0.85:
                clashes.append((shape_a, split_a, shape_b, split_b))
    assert clashes == []


def test_test_split_has_vocabulary_unseen_in_train(corpus):
    """Some groups and names occur only in test, so test measures generalisation."""
    train_text = " ".join(row["text"].lower() for row in corpus["train"])
    test_text = " ".join(row["text"].lower() for row in corpus["test"])
    for group in ("antillianen", "non-binaire personen", "polen"):
        assert group not in train_text
        assert group in test_text
    train_words = set(re.findall(r"\w+", train_text))
    test_words = set(re.findall(r"\w+", test_text))
    assert len(test_words - train_words) >= 150


def test_disclaimer_decides_missing_disclaimer(corpus):
    rows = [row for rows in corpus.values() for row in rows]
    flagged = [r for r in rows if "protocol/missing_disclaimer" in r["subtypes"]]
    assert len(flagged) >= 100
    for row in flagged:
        assert row["context"] == {"account_type": "private", "author_role": "staff"}, row
        assert not DISCLAIMER.search(row["text"]), row
    # the same opinion with a disclaimer is in the corpus as a negative
    with_disclaimer = [
        r
        for r in rows
        if r["template"].startswith("prot.disclaimer") and DISCLAIMER.search(r["text"])
    ]
    assert len(with_disclaimer) >= 100
    assert all("protocol/missing_disclaimer" not in r["subtypes"] for r in with_disclaimer)


def test_identifiers_pass_the_real_checks(corpus):
    rows = [row for rows in corpus.values() for row in rows]
    bsns = [r for r in rows if "personal_data/bsn" in r["subtypes"]]
    ibans = [r for r in rows if "personal_data/iban" in r["subtypes"]]
    assert bsns and ibans
    for row in bsns:
        number = re.search(r"\b\d{4}\.\d{2}\.\d{3}\b|\b\d{9}\b", row["text"]).group(0)
        assert stdnum_bsn.is_valid(number), row["text"]
    for row in ibans:
        value = re.search(r"NL\d{2}(?: ?[A-Z0-9]{4}){3} ?\d{2}", row["text"]).group(0)
        assert stdnum_iban.is_valid(value), row["text"]


IBAN_RE = re.compile(r"NL\d{2}(?: ?[A-Z0-9]{4}){3} ?\d{2}")
PHONE_RE = re.compile(r"(?:\+31 ?6|\b06)[ -]?(?:\d ?){7}\d\b|\b0\d{2}[- ]\d{3} ?\d{4}\b")
EMAIL_RE = re.compile(r"\b[\w.]+@[\w-]+\.[a-z]{2,}\b")


def test_phone_and_email_labels_match_the_text(corpus):
    """A phone number or e-mail address in a text is labelled, and a label has one."""
    wrong = []
    for rows in corpus.values():
        for row in rows:
            text = IBAN_RE.sub(" ", row["text"])
            for sub, pattern in (
                ("personal_data/phone", PHONE_RE),
                ("personal_data/email", EMAIL_RE),
            ):
                if bool(pattern.search(text)) != (sub in row["subtypes"]):
                    wrong.append((sub, row["text"]))
    assert wrong == []


def test_same_text_same_labels_unless_context_decides(corpus):
    """Identical texts differ in labels only for protocol rules, and only across contexts."""
    seen: dict[str, list[dict]] = {}
    for rows in corpus.values():
        for row in rows:
            seen.setdefault(_key(row["text"]), []).append(row)
    for group in seen.values():
        for a in group[1:]:
            b = group[0]
            if set(a["labels"]) == set(b["labels"]):
                continue
            assert a["context"] != b["context"], (a, b)
            assert set(a["labels"]) ^ set(b["labels"]) == {"protocol"}, (a, b)


def test_generator_reproduces_the_committed_files(corpus):
    out = generator.generate()
    for split in SPLITS:
        assert [r.to_json() for r in out[split]] == corpus[split], split


def test_bad_subtype_in_a_template_is_a_clear_error():
    with pytest.raises(generator.CorpusError, match="unknown subtype"):
        generator.validate_labels(["bullying"], ["bullying/teasing"], None, where="t1")
    with pytest.raises(generator.CorpusError, match="hard negative"):
        generator.validate_labels(["bullying"], ["bullying/insult"], "quote", where="t2")


def _corpus_copy(tmp_path: Path, extra_block: str) -> Path:
    import shutil

    root = tmp_path / "corpus"
    shutil.copytree(Path(generator.__file__).parent, root,
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (root / "templates" / "zz_added.yaml").write_text(extra_block, encoding="utf-8")
    return root


def test_training_templates_pinned_to_train_leave_dev_and_test_untouched(tmp_path, corpus):
    root = _corpus_copy(tmp_path, """
blocks:
  - id: added.insult
    split: train
    labels: [bullying]
    subtypes: [bullying/insult]
    context: {account_type: unknown, author_role: child}
    n: 6
    templates:
      - "zeg {name}, jij bent en blijft een {insult}, dat weet iedereen op het plein"
""")
    out = generator.generate(root)
    for split in ("dev", "test"):
        assert [r.to_json() for r in out[split]] == corpus[split], split
    added = [r for r in out["train"] if r.template.startswith("added.")]
    assert len(added) >= 3
    assert len(out["train"]) == len(corpus["train"]) + len(added)


def test_a_pinned_template_that_is_a_variant_of_a_test_template_is_refused(tmp_path, corpus):
    held_out = next(r for r in corpus["test"] if r["template"].startswith("dis."))
    templates = generator.load_templates(Path(generator.__file__).parent,
                                         generator.load_config())
    source = next(t for t in templates if t.id == held_out["template"])
    text = source.text.replace('"', "'")
    root = _corpus_copy(tmp_path, f"""
blocks:
  - id: added.copy
    split: train
    labels: {list(source.labels)}
    subtypes: {list(source.subtypes)}
    templates:
      - "{text}"
""")
    with pytest.raises(generator.CorpusError, match="variant of"):
        generator.generate(root)
