"""Check that a hand-written batch follows POLICY.md's format (not its judgement).

    python classifiers/data/natural/check_batch.py classifiers/data/natural/w01.jsonl

Prints the first problems with their line numbers and a count per label, register and kind.
Standard library only, so a writer can run it with any Python.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

FIELDS = ("id", "text", "labels", "subtypes", "kind", "register", "author_role", "account_type")
SUBTYPES = {
    "bullying": {
        "insult", "threat", "exclusion", "humiliation", "sexual_harassment", "death_wish",
        "self_harm_incitement",
    },
    "discrimination": {"slur", "derogation", "dehumanisation", "threat", "exclusion"},
    "profanity": {"swearing", "disease_curse"},
}
REGISTERS = {"pupil_chat", "parent_comment", "staff_post"}
ROLES = {"child", "adult", "staff", "unknown"}
ACCOUNTS = {"official", "private", "unknown"}


def problems(row: dict) -> list[str]:
    out = [f"missing field {f!r}" for f in FIELDS if f not in row]
    out += [f"unknown field {f!r}" for f in row if f not in FIELDS]
    if out:
        return out
    if not isinstance(row["text"], str) or not row["text"].strip():
        out.append("empty text")
    labels, subtypes = row["labels"], row["subtypes"]
    if not isinstance(labels, list) or not isinstance(subtypes, list):
        return [*out, "labels and subtypes must be lists"]
    for label in labels:
        if label not in SUBTYPES:
            out.append(f"unknown label {label!r}")
    seen = set()
    for sub in subtypes:
        cat, _, name = str(sub).partition("/")
        if cat not in SUBTYPES or name not in SUBTYPES[cat]:
            out.append(f"unknown subtype {sub!r}")
        elif cat not in labels:
            out.append(f"subtype {sub!r} without label {cat!r}")
        seen.add(cat)
    out += [f"label {label!r} without a subtype" for label in labels if label not in seen]
    if row["register"] not in REGISTERS:
        out.append(f"register must be one of {sorted(REGISTERS)}")
    if row["author_role"] not in ROLES:
        out.append(f"author_role must be one of {sorted(ROLES)}")
    if row["account_type"] not in ACCOUNTS:
        out.append(f"account_type must be one of {sorted(ACCOUNTS)}")
    return out


def main(path: str) -> int:
    bad = 0
    ids: set[str] = set()
    texts: set[str] = set()
    counts: dict[str, Counter] = {"labels": Counter(), "register": Counter(), "kind": Counter()}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"line {n}: not JSON ({exc})")
            bad += 1
            continue
        issues = problems(row) if isinstance(row, dict) else ["not an object"]
        if isinstance(row, dict):
            if row.get("id") in ids:
                issues.append(f"duplicate id {row.get('id')!r}")
            if row.get("text") in texts:
                issues.append("duplicate text")
            ids.add(row.get("id"))
            texts.add(row.get("text"))
        for issue in issues:
            print(f"line {n}: {issue}")
        bad += bool(issues)
        if not issues:
            counts["labels"]["+".join(sorted(row["labels"])) or "(none)"] += 1
            counts["register"][row["register"]] += 1
            counts["kind"][row["kind"]] += 1
    total = len(ids)
    print(f"{total} rows, {bad} with problems")
    for name, counter in counts.items():
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counter.most_common()))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
