"""Generator of the labelled Dutch corpus in classifiers/data/ (train/dev/test jsonl).

Templates and slot fillers are data files (templates/*.yaml, slots/*.tsv, slots/*.yaml);
`generator.py` expands them deterministically and splits by template, `spelling.py` adds
teen spelling, `entities.py` makes valid-looking personal data (11-proof BSN, mod-97 IBAN).
Regenerate with `python -m classifiers.corpus`.
"""
