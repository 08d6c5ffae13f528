"""Reading request bodies: JSON only, UTF-8 only, validated by a pydantic model (extra=forbid).

Error messages and details never echo the submitted text (only field paths and error kinds).
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from aiohttp import web
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from server import json_limits
from server.errors import ApiError

M = TypeVar("M", bound=BaseModel)
MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL


def _no_surrogates(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("bevat ongeldige tekens (geen geldige UTF-8)") from exc
    if "\x00" in value:
        raise ValueError("bevat een NUL-teken")
    return value


Str = Annotated[str, AfterValidator(_no_surrogates)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


_KINDS = {
    "missing": "ontbreekt",
    "extra_forbidden": "onbekend veld",
    "string_type": "moet tekst zijn",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "float_type": "moet een getal zijn",
    "bool_type": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een object zijn",
    "model_type": "moet een object zijn",
    "model_attributes_type": "moet een object zijn",
    "literal_error": "heeft geen toegestane waarde",
    "enum": "heeft geen toegestane waarde",
    "string_too_long": "is te lang",
    "string_too_short": "is te kort",
    "too_long": "bevat te veel elementen",
    "too_short": "bevat te weinig elementen",
    "datetime_type": "moet een datum-tijd zijn (ISO 8601)",
    "datetime_parsing": "moet een datum-tijd zijn (ISO 8601)",
    "datetime_from_date_parsing": "moet een datum-tijd zijn (ISO 8601)",
    "greater_than_equal": "is te klein",
    "less_than_equal": "is te groot",
    "value_error": "bevat ongeldige tekens",
}


def validation_error(exc: ValidationError) -> ApiError:
    details: list[dict[str, Any]] = []
    too_long_text = False
    for err in exc.errors(include_input=False, include_url=False):
        kind = err["type"]
        parts = list(err["loc"])
        if kind == "extra_forbidden" and parts:
            parts[-1] = "?"  # the unknown key itself is user input: never echo it
        loc = ".".join(str(p) for p in parts)
        if kind == "string_too_long" and err["loc"] and err["loc"][-1] == "text":
            too_long_text = True
        details.append({"field": loc, "code": kind, "message": _KINDS.get(kind, "is ongeldig")})
    if too_long_text:
        return ApiError(422, "text_too_long", "De tekst is te lang: maximaal 100.000 tekens.",
                        details)
    first = details[0]
    return ApiError(422, "validation_error",
                    f"Ongeldige invoer: {first['field'] or 'body'} {first['message']}.", details)


async def read_json(request: web.Request, model: type[M]) -> M:
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type",
                       "Stuur JSON (Content-Type: application/json).")
    raw = await request.read()  # over the body limit: HTTPRequestEntityTooLarge -> JSON 413
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "invalid_utf8", "De inhoud is geen geldige UTF-8.") from exc
    try:
        data = json_limits.loads(decoded)
    except ValueError as exc:
        raise ApiError(400, "invalid_json", "De inhoud is geen geldige JSON.") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from None


def query_int(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ApiError(400, "invalid_query", f"Parameter '{name}' moet een geheel getal zijn.") \
            from exc
    if not lo <= value <= hi:
        raise ApiError(400, "invalid_query", f"Parameter '{name}' moet tussen {lo} en {hi} liggen.")
    return value


def path_int(request: web.Request, name: str) -> int:
    try:
        value = int(request.match_info[name])
    except ValueError as exc:
        raise ApiError(404, "not_found", "Dit object bestaat niet.") from exc
    if not 0 < value < MAX_ID + 1:
        raise ApiError(404, "not_found", "Dit object bestaat niet.")
    return value


def db_id(value: Any) -> int | None:
    """A usable row id: a positive int that fits the database column (no bools)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= MAX_ID else None
