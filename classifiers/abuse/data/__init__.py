"""Data files of the abuse recognizers: lexicon (terms, judgements, vocabulary, emoji),
phrases, messages."""
