"""Synthetic personal data that passes the real checks (BSN 11-proof, IBAN mod 97)."""

from __future__ import annotations

import random

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
BANKS = ("ABNA", "INGB", "RABO", "SNSB", "ASNB", "TRIO", "KNAB", "BUNQ", "RBRB")
AREA_CODES = ("020", "010", "030", "070", "053", "050", "040", "024", "026", "074", "013", "076")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def bsn(rng: random.Random) -> str:
    """A 9-digit number that passes the Dutch 11-proof (elfproef)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last <= 9:
            number = "".join(map(str, digits)) + str(last)
            if rng.random() < 0.2:
                return f"{number[:4]}.{number[4:6]}.{number[6:]}"
            return number


def iban(rng: random.Random) -> str:
    bank = rng.choice(BANKS)
    account = _digits(rng, 10)
    rearranged = f"{bank}{account}NL00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(numeric) % 97
    value = f"NL{check:02d}{bank}{account}"
    if rng.random() < 0.5:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value


def mobile(rng: random.Random) -> str:
    rest = _digits(rng, 8)
    style = rng.randrange(6)
    if style == 0:
        return f"06-{rest}"
    if style == 1:
        return f"06 {rest[:2]} {rest[2:4]} {rest[4:6]} {rest[6:]}"
    if style == 2:
        return f"+31 6 {rest}"
    if style == 3:
        return f"+316{rest}"
    if style == 4:
        return f"06{rest}"
    return f"06 {rest[:4]} {rest[4:]}"


def landline(rng: random.Random) -> str:
    area = rng.choice(AREA_CODES)
    rest = _digits(rng, 7)
    if rng.random() < 0.5:
        return f"{area}-{rest}"
    return f"{area} {rest[:3]} {rest[3:]}"


def phone(rng: random.Random) -> str:
    return mobile(rng) if rng.random() < 0.75 else landline(rng)


def postcode(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRTVWXZ"
    pair = rng.choice(letters) + rng.choice(letters)
    sep = " " if rng.random() < 0.6 else ""
    return f"{rng.randint(1000, 9999)}{sep}{pair}"


def birth_date(rng: random.Random) -> str:
    day = rng.randint(1, 28)
    month = rng.randint(1, 12)
    year = rng.randint(2008, 2019)
    style = rng.randrange(3)
    if style == 0:
        return f"{day} {MONTHS[month - 1]} {year}"
    if style == 1:
        return f"{day:02d}-{month:02d}-{year}"
    return f"{day}/{month}/{year}"


def grade(rng: random.Random) -> str:
    whole = rng.randint(1, 5)
    return f"{whole},{rng.randint(0, 9)}"


def klas(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return f"groep {rng.randint(3, 8)}"
    year = rng.randint(1, 6)
    style = rng.randrange(3)
    if style == 0:
        return f"{year}{rng.choice('ABCDEFGH')}"
    if style == 1:
        return f"{min(year, 5)} {rng.choice(('havo', 'vwo', 'mavo', 'vmbo'))}"
    return f"{rng.choice('hvm')}{year}{rng.choice('abc')}"


def email(rng: random.Random, first: str, last: str) -> str:
    first_c = first.lower().replace(" ", "").replace("'", "")
    last_c = last.lower().replace(" ", "").replace("'", "")
    domain = rng.choice(
        ("gmail.com", "hotmail.com", "outlook.com", "live.nl", "ziggo.nl", "kpnmail.nl")
    )
    style = rng.randrange(4)
    if style == 0:
        return f"{first_c}.{last_c}@{domain}"
    if style == 1:
        return f"{first_c}{rng.randint(1, 99)}@{domain}"
    if style == 2:
        return f"{first_c[0]}{last_c}@{domain}"
    return f"{first_c}_{last_c}{rng.randint(2008, 2016)}@{domain}"


def house_number(rng: random.Random) -> str:
    number = str(rng.randint(1, 240))
    return number + rng.choice(("", "", "", "a", "b", "-2", " bis"))


def amount(rng: random.Random) -> str:
    return f"€{rng.choice((85, 120, 250, 340, 512, 780, 1250, 2300, 4120))}"


GENERATED = {
    "amount": amount,
    "n": house_number,
    "bsn": bsn,
    "iban": iban,
    "mobile": mobile,
    "landline": landline,
    "phone": phone,
    "postcode": postcode,
    "birth_date": birth_date,
    "grade": grade,
    "klas": klas,
}
