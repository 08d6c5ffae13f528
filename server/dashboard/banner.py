"""The warning on every dashboard page while alerts do not arrive."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from server.escalation.health import DeliveryProblem, delivery_problem
from server.escalation.service import ESCALATION
from server.storage.models import User

PROBLEM = web.RequestKey("denkna_delivery_problem", DeliveryProblem)


async def load(request: web.Request, user: User) -> None:
    service = request.app[ESCALATION]
    school_ids = [user.school_id] if user.role == "leadership" and user.school_id else None
    async with service.db.session() as s:
        problem = await delivery_problem(s, school_ids, service.clock())
    if problem is not None:
        request[PROBLEM] = problem


def context(request: web.Request) -> dict[str, Any]:
    problem = request.get(PROBLEM)
    if problem is None:
        return {}
    n = problem.waiting
    return {"delivery_problem": {
        "reason": problem.reason,
        "count": f"{n} {'melding is' if n == 1 else 'meldingen zijn'} niet aangekomen",
        "gave_up": problem.gave_up > 0,
    }}
