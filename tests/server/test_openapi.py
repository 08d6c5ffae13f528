"""GET /api/v1/openapi.json describes every API route of the app, and nothing else."""

from __future__ import annotations

from typing import Any

# The leadership dashboard is HTML for browsers (session login), not part of the JSON API;
# so are the pages a platform sends the browser back to when an account is connected.
NOT_API_PREFIXES = ("/dashboard", "/demo", "/connect/")


def _app_routes(app: Any) -> set[tuple[str, str]]:
    out = set()
    for route in app.router.routes():
        resource = route.resource
        if route.method in ("HEAD", "*") or resource is None:
            continue
        path = resource.canonical
        if path.startswith(NOT_API_PREFIXES):
            continue
        out.add((route.method.lower(), path))
    return out


async def test_spec_and_routes_match(client: Any) -> None:
    resp = await client.get("/api/v1/openapi.json")
    assert resp.status == 200
    spec = await resp.json()
    assert spec["openapi"].startswith("3.1")
    in_spec = {
        (method, path)
        for path, ops in spec["paths"].items()
        for method in ops
        if not path.startswith(NOT_API_PREFIXES)
    }
    routes = _app_routes(client.app)
    assert routes - in_spec == set(), "routes missing from the OpenAPI spec"
    assert in_spec - routes == set(), "spec operations without a route"


async def test_protected_operations_declare_their_roles(client: Any) -> None:
    spec = await (await client.get("/api/v1/openapi.json")).json()
    check = spec["paths"]["/api/v1/check"]["post"]
    assert "staff" in check["description"]
    assert spec["paths"]["/api/v1/health"]["get"]["security"] == []
    body = check["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["text"]["maxLength"] == 100_000


SCORING_OPERATIONS = (("/api/v1/check", "post"), ("/api/v1/check/batch", "post"),
                      ("/api/v1/comments", "post"))


async def test_scoring_operations_document_503_and_the_server_answers_it(
    seeded: tuple[Any, Any],
) -> None:
    """With no scorer to take the job, a check gets the documented 503: a JSON error body
    with code scoring_unavailable and a Retry-After header, never a hang or a traceback."""
    from server import keys

    cli, seed = seeded
    spec = await (await cli.get("/api/v1/openapi.json")).json()
    for path, method in SCORING_OPERATIONS:
        documented = spec["paths"][path][method]["responses"]["503"]
        assert "Retry-After" in documented["headers"]
        schema = documented["content"]["application/json"]["schema"]
        assert schema["required"] == ["error"]
    assert "503" not in spec["paths"]["/api/v1/threads"]["get"]["responses"]

    await cli.app[keys.SCORER_POOL].close()
    headers = seed.headers(seed.schools[0].tokens["staff"])
    resp = await cli.post("/api/v1/check", json={"text": "Jij bent een sukkel"},
                          headers=headers)
    assert resp.status == 503
    assert int(resp.headers["Retry-After"]) >= 0
    body = await resp.json()
    assert body["error"]["code"] == "scoring_unavailable"
    assert isinstance(body["error"]["message"], str) and "sukkel" not in body["error"]["message"]
