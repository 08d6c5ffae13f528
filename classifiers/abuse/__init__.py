"""Bullying, discrimination and profanity: lexicons plus targeting and stance rules."""
