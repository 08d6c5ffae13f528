"""Escalation: derailment detection, cases, dossier, steps (YAML), outbox and alerts."""
