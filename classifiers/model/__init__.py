"""The learned model: a small torch text classifier trained on the project's own corpus."""
