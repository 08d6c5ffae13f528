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


# Subtypes per category: the corpus labels, the recognizers and `denkna eval` all use these.
SUBTYPES: dict[str, tuple[str, ...]] = {
    "bullying": (
        "insult",  # scheldwoorden, belediging van een persoon
        "threat",  # bedreiging van een persoon
        "exclusion",  # buitensluiten ("niemand wil jou erbij")
        "humiliation",  # vernedering, uitlachen, bodyshaming
        "sexual_harassment",  # seksuele intimidatie
        "death_wish",  # iemand ziekte of dood toewensen ("krijg de tering", "ga dood")
        "self_harm_incitement",  # aanzetten tot zelfbeschadiging ("ga jezelf wat aandoen")
    ),
    "discrimination": (
        "slur",  # scheldwoord voor een groep
        "derogation",  # negatieve uitspraken over een beschermde groep
        "dehumanisation",  # een groep vergelijken met dieren, ongedierte, ziekte
        "threat",  # bedreiging van een groep of iemand om zijn groep
        "exclusion",  # een groep buitensluiten ("geen X in onze klas")
    ),
    "personal_data": (
        "pupil_name",  # naam van een leerling (zonder toestemming) of met foto
        "phone",
        "email",
        "address",
        "bsn",
        "iban",
        "birth_date",
        "health",  # gezondheid, diagnose, ziekte van een persoon
        "school_record",  # cijfers, straf, schorsing, verzuim van een persoon
    ),
    "profanity": (
        "swearing",  # vloeken en grof taalgebruik, niet op iemand gericht
        "disease_curse",  # ziektevloek als stopwoord of versterker ("kankerleuk")
    ),
    "protocol": (
        "missing_disclaimer",  # privé over school zonder disclaimer (001 C.3, 002 C.4)
        "confidential",  # vertrouwelijke informatie (vergaderingen, dossiers, personeelszaken)
        "quoting_colleague",  # collega's citeren (004 teamafspraken)
        "private_contact",  # privé-contact met leerlingen (vriendschapsverzoek, DM) (001)
        "heated_discussion",  # meedoen aan verhitte discussie (004, 003 B.4)
    ),
}

# Hard-negative kinds in the corpus (texts that must NOT get a bullying/discrimination flag).
HARD_NEGATIVE_KINDS: tuple[str, ...] = (
    "health_talk",  # "mijn oma heeft kanker", KWF-actie (may still be personal_data/health)
    "group_neutral",  # neutrale vermelding van een groep
    "group_positive",  # Paarse Vrijdag, iftar, nieuwkomersklas
    "counter_speech",  # iemand citeert of verwijst naar haat om die af te wijzen
    "quote",  # citaat/uitleg van een woord zonder het te menen (les, nieuws)
    "reported_speech",  # "hij werd voor X uitgescholden, dat is verschrikkelijk"
    "object_abuse",  # scheldt op een ding ("die kankerprinter")
    "untargeted_profanity",  # vloeken zonder doelwit (profanity, not bullying)
    "school_news",  # gewoon schoolnieuws, ook met namen waarvoor toestemming is
    "negated",  # ontkenning van iets hatelijks ("ik zou nooit ... zeggen")
)
