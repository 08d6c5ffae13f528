"""The five categories of the scoring contract (see shared/DESIGN.md).

Identifiers are stable API values; labels are what people read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    BULLYING = "bullying"
    DISCRIMINATION = "discrimination"
    PERSONAL_DATA = "personal_data"
    PROFANITY = "profanity"
    PROTOCOL = "protocol"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


@dataclass(frozen=True)
class CategoryInfo:
    id: Category
    label_nl: str
    label_en: str
    protocol_ref: str
    default_threshold: float


CATEGORIES: dict[Category, CategoryInfo] = {
    Category.BULLYING: CategoryInfo(Category.BULLYING, "pesten", "bullying", "000 A.4", 0.5),
    Category.DISCRIMINATION: CategoryInfo(
        Category.DISCRIMINATION, "discriminatie", "discrimination", "000 A.4", 0.5
    ),
    Category.PERSONAL_DATA: CategoryInfo(
        Category.PERSONAL_DATA, "persoonsgegevens", "personal data", "002 A.2", 0.5
    ),
    Category.PROFANITY: CategoryInfo(
        Category.PROFANITY, "grof taalgebruik", "profanity", "003 A.1", 0.5
    ),
    Category.PROTOCOL: CategoryInfo(
        Category.PROTOCOL, "protocolregel", "staff protocol rule", "001 C.3", 0.5
    ),
}

ALL_CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)


def default_thresholds() -> dict[str, float]:
    return {c.value: info.default_threshold for c, info in CATEGORIES.items()}
