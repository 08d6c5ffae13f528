"""python -m classifiers.corpus [--data DIR] [--no-readme]: regenerate the corpus."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from classifiers.categories import HARD_NEGATIVE_KINDS, SUBTYPES
from classifiers.corpus.generator import SPLITS, CorpusError, generate, statistics, write

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data"
BEGIN = "<!-- counts:begin -->"
END = "<!-- counts:end -->"


def counts_table(stats: dict) -> str:
    rows = ["| row | " + " | ".join(SPLITS) + " | total |", "| --- |" + " ---: |" * 4]

    def row(key: str, label: str | None = None) -> None:
        vals = [stats[s].get(key, 0) for s in SPLITS]
        rows.append(f"| {label or key} | " + " | ".join(map(str, vals)) + f" | {sum(vals)} |")

    row("total", "**texts**")
    row("templates")
    row("negative", "no label")
    for cat, subs in SUBTYPES.items():
        row(cat, f"**{cat}**")
        for sub in subs:
            row(f"{cat}/{sub}")
    for kind in HARD_NEGATIVE_KINDS:
        row(f"hard_negative/{kind}")
    return "\n".join(rows)


def update_readme(path: Path, table: str) -> None:
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise CorpusError(f"{path} lacks the {BEGIN} / {END} markers")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classifiers.corpus", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    try:
        out = generate()
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write(out, args.data)
    table = counts_table(statistics(out))
    readme = args.data / "README.md"
    if not args.no_readme and readme.exists():
        update_readme(readme, table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
