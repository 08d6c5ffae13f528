""""Klopt niet" over the API: POST /api/v1/check/feedback marks one warning as wrong (staff,
leadership), with an optional reason from a fixed list. The body names the warning by its
category, subtype and `raised_by` (as the /check answer gave them), never by its text."""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import Field

from server import keys
from server.api.body import Strict, read_json
from server.api.openapi import operation
from server.api.schemas import Category
from server.auth import principal_of, requires
from server.school import feedback

RaisedBy = Literal["rule:abuse", "rule:personal_data", "rule:consent_list",
                   "rule:staff_protocol", "model:fasttext", "model:encoder"]
Reason = Literal["quote", "friendly", "consent", "not_personal", "other"]


class FeedbackRequest(Strict):
    category: Category
    subtype: str = Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")
    raised_by: RaisedBy
    reason: Reason | None = Field(None, description="Optioneel, later toe te voegen: waarom de "
                                                    "waarschuwing niet klopt.")


@requires("staff", "leadership")
async def mark_wrong(request: web.Request) -> web.Response:
    body = await read_json(request, FeedbackRequest)
    principal = principal_of(request)
    if principal.school_id is None:
        return web.json_response({"recorded": False})
    await feedback.record(request.app[keys.DB], principal.school_id, category=body.category,
                          subtype=body.subtype, raised=body.raised_by, reason=body.reason or "")
    return web.json_response({"recorded": True})


def setup(app: web.Application) -> None:
    assert set(RaisedBy.__args__) == set(feedback.RAISED_BY)  # type: ignore[attr-defined]
    assert set(Reason.__args__) == set(feedback.REASONS)  # type: ignore[attr-defined]
    app.router.add_post("/api/v1/check/feedback", mark_wrong)
    frag: dict[str, Any] = {}
    operation(frag, "POST", "/api/v1/check/feedback", summary="Een waarschuwing klopt niet",
              roles=("staff", "leadership"), body=FeedbackRequest, tag="check",
              response={"type": "object", "properties": {"recorded": {"type": "boolean"}}})
    app[keys.OPENAPI_FRAGMENTS].append(frag)
