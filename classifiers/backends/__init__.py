"""Optional scoring backends (transformers, detoxify), off by default."""
