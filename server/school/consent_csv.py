"""Reading the consent list a school exports from its administration system (for example
the consent module of Magister) as CSV: one pupil per row with name, class and media consent.

Accepted: `;` or `,` between the columns, UTF-8 (with or without BOM) or Windows-1252, Dutch
column names in any order ("Naam" or "Voornaam"/"Roepnaam" + "Tussenvoegsel" + "Achternaam";
"Klas" or "Groep"; a column with "toestemming" in its name), names as "Sanne de Vries" or
"Vries, Sanne de", consent as ja/nee (also j/n, yes/no, 1/0, waar/onwaar, x, wel/geen; an
empty cell counts as no consent). Anything else is refused as a whole with a Dutch message
that names the line: `ConsentFileError`. Nothing of the file is logged.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from classifiers.personal_data.consent import fold, name_words

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
MAX_NAME = 200
MAX_CLASS = 60
MAX_PROBLEMS = 5
_NON_WORD = re.compile(r"[^\w]+|_")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXPORT_HINT = ("Exporteer de lijst uit de leerlingadministratie als CSV-bestand, met een "
               "puntkomma of komma tussen de kolommen.")
NEEDED = "naam (of voornaam en achternaam), klas (of groep) en toestemming"

_NAME = {"naam", "leerling", "naam leerling", "leerlingnaam", "volledige naam",
         "volledige naam leerling", "weergavenaam", "leerling naam"}
_FIRST = {"voornaam", "roepnaam", "voornamen"}
_INFIX = {"tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels", "tussenv"}
_LAST = {"achternaam", "familienaam", "geslachtsnaam", "achternaam leerling"}
_CLASS = {"klas", "groep", "stamgroep", "stamklas", "klas groep", "groep klas", "lesgroep",
          "klasnaam", "basisgroep", "mentorgroep"}
_YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x", "wel", "akkoord", "toestemming",
        "toegestaan", "ok"}
_NO = {"nee", "n", "no", "0", "false", "onwaar", "geen", "niet", "niet akkoord",
       "geen toestemming", "niet toegestaan", "-", ""}


class ConsentFileError(Exception):
    """A file that cannot be the consent list; `message` is Dutch and names the line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Pupil:
    name: str
    class_name: str
    consent: bool
    line: int


def _fold(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


def name_key(name: str) -> str:
    """Two spellings of one name ("Sanne de Vries", "sanne  de vries", "Sanne de Vriës") give
    one key: duplicates are found on it (the words the checks match the name on)."""
    return " ".join(name_words(name))


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ConsentFileError("Dit is geen CSV-bestand maar een ander soort bestand (het bevat "
                               "binaire gegevens). " + EXPORT_HINT)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ConsentFileError("Dit bestand is geen leesbare tekst (geen UTF-8 en geen "
                               "Windows-1252). " + EXPORT_HINT) from exc
    controls = len(_CONTROLS.findall(text))
    if controls > max(5, len(text) // 1000):
        raise ConsentFileError("Dit is geen CSV-bestand maar een ander soort bestand. "
                               + EXPORT_HINT)
    return text


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, raw in enumerate(header):
        h = _fold(raw)
        kind = ("name" if h in _NAME else "first" if h in _FIRST else "infix" if h in _INFIX
                else "last" if h in _LAST else "class" if h in _CLASS
                else "consent" if "toestemming" in h or h in {"media", "akkoord", "beeld",
                                                              "beeldmateriaal", "publicatie"}
                else None)
        if kind and kind not in found:
            found[kind] = i
    return found


def _missing(cols: dict[str, int]) -> list[str]:
    missing = []
    if "name" not in cols and not {"first", "last"} <= cols.keys():
        missing.append("naam (of voornaam en achternaam)")
    if "class" not in cols:
        missing.append("klas (of groep)")
    if "consent" not in cols:
        missing.append("toestemming")
    return missing


def _full_name(row: list[str], cols: dict[str, int]) -> str:
    def cell(kind: str) -> str:
        i = cols.get(kind)
        return row[i].strip() if i is not None and i < len(row) else ""

    if "name" in cols:
        name = cell("name")
        if "," in name:  # "Vries, Sanne de" (surname first, as many exports write it)
            last, rest = (p.strip() for p in name.split(",", 1))
            name = f"{rest} {last}"
    else:
        name = " ".join(p for p in (cell("first"), cell("infix"), cell("last")) if p)
    return " ".join(name.split())


def parse(data: bytes) -> list[Pupil]:
    """The pupils of the file, or ConsentFileError naming what is wrong and where."""
    if len(data) > MAX_BYTES:
        raise ConsentFileError(f"Het bestand is te groot (maximaal {MAX_BYTES // 1024 // 1024} "
                               "MB). " + EXPORT_HINT)
    if not data.strip():
        raise ConsentFileError("Het bestand is leeg. " + EXPORT_HINT)
    text = _decode(data)
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    best: tuple[str, dict[str, int]] | None = None
    for delimiter in (";", ","):
        header = next(csv.reader([first], delimiter=delimiter))
        cols = _columns(header)
        if not _missing(cols):
            best = (delimiter, cols)
            break
        if best is None or len(cols) > len(best[1]):
            best = (delimiter, cols)
    assert best is not None
    delimiter, cols = best
    missing = _missing(cols)
    if missing:
        if ";" not in first and "," not in first and any(c in first for c in "\t|:"):
            sep = "tabs" if "\t" in first else "een ander teken"
            raise ConsentFileError(
                f"De kolommen in regel 1 zijn gescheiden door {sep}; Denkna leest lijsten met "
                "een puntkomma (;) of komma (,) tussen de kolommen. " + EXPORT_HINT)
        shown = ", ".join(f"'{c.strip()[:40]}'" for c in
                          next(csv.reader([first], delimiter=delimiter)) if c.strip())[:300]
        raise ConsentFileError(
            "In de eerste regel (de kolomnamen) ontbreekt: " + " en ".join(missing)
            + f". Gevonden kolommen: {shown or 'geen'}. Nodig zijn: {NEEDED}.")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    pupils: list[Pupil] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    header_done = False
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if not header_done:
            header_done = True
            continue
        if len(pupils) >= MAX_ROWS:
            raise ConsentFileError(f"Het bestand heeft meer dan {MAX_ROWS} leerlingen; "
                                   "splits het per school.")
        name = _full_name(row, cols)
        ci = cols["class"]
        class_name = row[ci].strip() if ci < len(row) else ""
        raw = row[cols["consent"]].strip() if cols["consent"] < len(row) else ""
        answer = raw.lower()
        if answer not in _YES and answer not in _NO:
            answer = _fold(raw)
        if not name:
            problems.append(f"Regel {line}: de naam is leeg.")
        elif len(name) > MAX_NAME or len(class_name) > MAX_CLASS:
            problems.append(f"Regel {line}: de naam of klas is te lang.")
        elif answer not in _YES and answer not in _NO:
            problems.append(f"Regel {line}: '{raw[:30]}' in de kolom toestemming is geen ja of "
                            "nee.")
        else:
            key = name_key(name)
            if key in seen:
                problems.append(f"Regel {line}: {name} staat al in de lijst (regel {seen[key]}). "
                                "Denkna herkent leerlingen aan hun naam: elke naam mag maar één "
                                "keer voorkomen.")
            else:
                seen[key] = line
                pupils.append(Pupil(name, class_name, answer in _YES, line))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise ConsentFileError("De lijst is niet ingelezen: " + " ".join(problems))
    if not pupils:
        raise ConsentFileError("Het bestand heeft alleen kolomnamen en geen leerlingen. "
                               + EXPORT_HINT)
    return pupils
