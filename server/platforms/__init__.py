"""Connectors for the school's official accounts, Meta webhooks and fake platform servers."""
