"""A detected piece of personal data: its kind and its span in the original text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    kind: str  # name | phone | email | address | bsn | iban | birth_date | health | school_record
    start: int
    end: int
    strength: float = 1.0  # 0..1: how sure the detector is (e.g. a role mailbox is weaker)

    def overlaps(self, other: Hit) -> bool:
        return self.start < other.end and other.start < self.end
