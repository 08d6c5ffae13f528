"""Personal data (AVG art. 4): names, contact details, identifiers, sensitive school context.

Importing this package registers `PersonalDataRecognizer`.
"""

from classifiers.personal_data.recognizer import PersonalDataRecognizer

__all__ = ["PersonalDataRecognizer"]
