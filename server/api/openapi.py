"""The OpenAPI 3.1 document, assembled from fragments.

Each API module builds its fragment with `operation(...)` and appends it to
`app[keys.OPENAPI_FRAGMENTS]` in its `setup(app)`; `build_spec(app)` merges them. A feature
module (platforms, dashboard, escalation) does the same for its own routes.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel

from server import keys
from server.api.body import MAX_ID

REF = "#/components/schemas/{model}"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}


ERROR_REF: dict[str, Any] = {"$ref": "#/components/schemas/Error"}


def model_schema(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, Any]:
    """A $ref to `model`, adding it and its nested models to `schemas`."""
    schema = model.model_json_schema(ref_template=REF)
    for name, sub in schema.pop("$defs", {}).items():
        schemas[name] = sub
    schemas[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def operation(
    fragment: dict[str, Any], method: str, path: str, *, summary: str,
    roles: tuple[str, ...] | None,
    body: type[BaseModel] | None = None, response: dict[str, Any] | None = None,
    status: int = 200, params: list[dict[str, Any]] | None = None, tag: str = "api",
    content_type: str = "application/json", scores: bool = False,
) -> None:
    """Add one operation to `fragment` ({"paths", "components"}). roles None = no auth.
    `scores`: the operation needs the scorer pool, so it can answer 503 scoring_unavailable
    (with Retry-After) while no scorer can take the job."""
    schemas = fragment.setdefault("components", {}).setdefault("schemas", {})
    op: dict[str, Any] = {
        "summary": summary,
        "operationId": f"{method.lower()}_{path.strip('/').replace('/', '_').replace('{', '')}"
        .replace("}", ""),
        "tags": [tag],
        "responses": {
            str(status): {
                "description": "OK",
                "content": {content_type: {"schema": response or {}}},
            },
            "4XX": {
                "description": "Fout (JSON met Nederlandse melding)",
                "content": {"application/json": {"schema": ERROR_SCHEMA}},
            },
        },
    }
    if scores:
        op["responses"]["503"] = {
            "description": "Controle tijdelijk niet beschikbaar (scoring_unavailable); "
                           "probeer opnieuw na Retry-After seconden",
            "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 0}}},
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        }
    if roles is None:
        op["security"] = []
    else:
        op["description"] = "Rollen: " + ", ".join(roles)
    if body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": model_schema(body, schemas)}},
        }
    all_params = list(params or [])
    for name in _path_params(path):
        all_params.append(
            {"name": name, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
        )
    if all_params:
        op["parameters"] = all_params
    fragment.setdefault("paths", {}).setdefault(path, {})[method.lower()] = op


def query_param(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


def build_spec(app: web.Application) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Denkna API", "version": "1",
                 "description": "Denkna: denk na voordat je iets plaatst."},
        "paths": {},
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
    for fragment in app[keys.OPENAPI_FRAGMENTS]:
        for path, ops in fragment.get("paths", {}).items():
            spec["paths"].setdefault(path, {}).update(ops)
        for name, schema in fragment.get("components", {}).get("schemas", {}).items():
            spec["components"]["schemas"][name] = schema
    return spec
