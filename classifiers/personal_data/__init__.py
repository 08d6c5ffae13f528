"""Personal data (AVG art. 4): names, contact details, identifiers, sensitive school context."""
