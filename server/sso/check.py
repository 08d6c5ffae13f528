"""Instellingen → Inloggen met schoolaccount → Verbinding testen: can a school's stored set-up
work, before anyone tries to sign in? Through the sign-in's own OIDC client (oidc.py), fresh
from the provider: the discovery document, its issuer, its endpoints, and the key set with its
signing keys. The token endpoint is only checked to be named: the test signs no one in, so the
client-id and the secret are first used at a real sign-in. Nothing of the result is stored and
the secret is not read.

Each check is a line in Dutch: OK, or what is wrong and what IT can do about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from server.sso import oidc

TRY_AGAIN = "klopt het adres, en kan deze server het internet op?"
ENDPOINT_LABELS = {
    "authorization_endpoint": ("Inlogpagina (authorization_endpoint)", "de inlogpagina"),
    "token_endpoint": ("Token-eindpunt (token_endpoint)", "het token-eindpunt"),
    "jwks_uri": ("Sleutelset-adres (jwks_uri)", "het adres van de sleutelset"),
}


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool | None  # None: not tested, an earlier step failed
    text: str


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


ISSUER_404 = ("klopt het adres? Bij Entra ID eindigt de uitgever op /v2.0, bij Google is het "
              "https://accounts.google.com.")
JWKS_404 = ("het discovery-document wijst naar een sleutelset die er niet is. Kijk bij de "
            "provider of de uitgever (tenant) klopt, of vraag de leverancier ernaar.")


def unreachable_text(what: str, exc: oidc.ProviderUnreachable, not_found: str) -> str:
    """Why `what` (e.g. "De uitgever") gave no usable answer, and what IT can check;
    `not_found`: the advice for an HTTP 404."""
    url, host = exc.url, _host(exc.url)
    seconds = oidc.HTTP_TIMEOUT.total
    match exc.reason:
        case "timeout":
            return f"{what} antwoordt niet (time-out na {seconds:g} s): {TRY_AGAIN}"
        case "dns":
            return (f"De naam {host} is niet te vinden (DNS): staat het adres goed gespeld, "
                    "en kan deze server namen op internet opzoeken?")
        case "certificate":
            return (f"Het certificaat van {host} wordt niet vertrouwd (verlopen, zelf "
                    "ondertekend of voor een andere naam): klopt het adres? Breekt een proxy "
                    "of filter het beveiligde verkeer open, laat die dit adres dan doorlaten.")
        case "tls":
            return (f"De beveiligde verbinding (TLS) met {host} mislukt: spreekt de server op "
                    "dit adres wel https? Klopt het adres, ook de poort?")
        case "connect":
            return f"{what} is niet bereikbaar ({host} weigert of verbreekt de verbinding): " \
                   f"{TRY_AGAIN}"
        case "status" if exc.http_status == 404:
            return f"{url} bestaat niet (HTTP 404): {not_found}"
        case "status":
            return (f"{what} antwoordde met foutcode HTTP {exc.http_status} op {url}: probeer "
                    "het later opnieuw; blijft het zo, kijk dan bij de provider of het adres "
                    "klopt.")
        case _:  # not_json, not_object
            return (f"Het antwoord van {url} is geen JSON-document: wijst het adres naar een "
                    "webpagina of inlogpagina in plaats van naar de uitgever zelf?")


def _skipped(label: str) -> Check:
    return Check(label, None, "Niet getest: een eerdere stap mislukte.")


def _signing_keys(keys: Any) -> int:
    """Public keys that may sign an ID token: not marked for encryption only, not a shared
    secret (Denkna accepts only asymmetric signatures)."""
    return sum(1 for k in keys.keys if k.key_type != "oct" and k.get("use") in (None, "sig"))


async def run(client: oidc.OidcClient, issuer: str) -> list[Check]:
    checks: list[Check] = []
    url = oidc.discovery_url(issuer)
    later = ["Uitgever (issuer)", *(ENDPOINT_LABELS[k][0] for k in oidc.ENDPOINTS),
             "Sleutelset (JWKS)"]
    try:
        document = await client.discovery(issuer)
    except oidc.ProviderUnreachable as exc:
        text = unreachable_text("De uitgever", exc, ISSUER_404)
        checks.append(Check("Discovery-document", False, text))
        return checks + [_skipped(label) for label in later]
    checks.append(Check("Discovery-document", True, f"OK: opgehaald van {url}"))

    found = document.get("issuer")
    if found == issuer:
        checks.append(Check(later[0], True, "OK: het discovery-document noemt dezelfde "
                                            "uitgever"))
    elif not isinstance(found, str) or not found:
        checks.append(Check(later[0], False, "Het discovery-document noemt geen uitgever: "
                                             "is dit wel een OpenID Connect-provider?"))
    else:
        checks.append(Check(later[0], False, (
            f"Het discovery-document noemt een andere uitgever: {found} (ingesteld: "
            f"{issuer}). Neem de uitgever precies zo over, ook een / aan het eind; "
            "Denkna weigert anders elke inlog.")))

    missing = oidc.missing_endpoints(document)
    for key in oidc.ENDPOINTS:
        label, name = ENDPOINT_LABELS[key]
        if key in missing:
            checks.append(Check(label, False, (
                f"Het discovery-document noemt {name} ({key}) niet: wijst de uitgever naar "
                "de juiste provider, en ondersteunt die OpenID Connect?")))
        else:
            checks.append(Check(label, True, f"OK: {document[key]}"))

    if "jwks_uri" in missing:
        return [*checks, _skipped("Sleutelset (JWKS)")]
    checks.append(await _key_set(client, str(document["jwks_uri"])))
    return checks


async def _key_set(client: oidc.OidcClient, jwks_uri: str) -> Check:
    label = "Sleutelset (JWKS)"
    try:
        data = await client.get_json(jwks_uri)
    except oidc.ProviderUnreachable as exc:
        return Check(label, False, unreachable_text("De sleutelset", exc, JWKS_404))
    if not isinstance(data.get("keys"), list) or not data["keys"]:
        return Check(label, False, f"De sleutelset op {jwks_uri} bevat geen sleutels: Denkna "
                                   "kan zo geen inlogbewijs controleren. Kijk bij de provider "
                                   "of de toepassing een ondertekeningssleutel heeft.")
    try:
        keys = oidc.import_keys(data)
    except oidc.SsoRefused:
        return Check(label, False, f"De sleutelset op {jwks_uri} is onleesbaar (geen geldige "
                                   "JWKS): wijst jwks_uri naar de juiste plek?")
    count = _signing_keys(keys)
    if count == 0:
        return Check(label, False, f"De sleutelset op {jwks_uri} heeft geen sleutel om mee te "
                                   "ondertekenen (alleen versleutelsleutels of gedeelde "
                                   "geheimen): Denkna kan zo geen inlogbewijs controleren.")
    word = "ondertekeningssleutel" if count == 1 else "ondertekeningssleutels"
    return Check(label, True, f"OK: {count} {word}")
