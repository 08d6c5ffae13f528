"""Staff protocol rules: disclaimer, confidential information, quoting colleagues,
private contact with pupils, heated discussions.

Importing this package registers `StaffProtocolRecognizer`.
"""

from classifiers.staff_protocol.recognizer import StaffProtocolRecognizer

__all__ = ["StaffProtocolRecognizer"]
