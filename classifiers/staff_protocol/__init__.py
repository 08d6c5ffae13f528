"""Staff protocol rules: disclaimer, confidential information, quoting colleagues."""
