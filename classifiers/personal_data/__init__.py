"""Personal data (AVG art. 4): names, contact details, identifiers, sensitive school context.

Importing this package registers `PersonalDataRecognizer` and `ConsentRecognizer` (the
school's consent list, passed in `Context.named_pupils`).
"""

from classifiers.personal_data.consent import ConsentList, ConsentRecognizer
from classifiers.personal_data.recognizer import PersonalDataRecognizer

__all__ = ["ConsentList", "ConsentRecognizer", "PersonalDataRecognizer"]
