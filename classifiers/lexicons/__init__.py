"""Data files of the abuse lexicons (terms, phrases, messages, emoji, vocabulary)."""
