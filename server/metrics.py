"""Prometheus text metrics, in memory per process: requests, checks per category, latency
histogram, ingest counts. Labels are route templates and categories only (never text)."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class Histogram:
    counts: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))
    total: float = 0.0
    n: int = 0

    def observe(self, seconds: float) -> None:
        self.counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.total += seconds
        self.n += 1


def _labels(**labels: str) -> str:
    inner = ",".join(
        f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for k, v in labels.items()
    )
    return "{" + inner + "}" if inner else ""


class Metrics:
    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self.latency: dict[str, Histogram] = defaultdict(Histogram)
        self.checks: dict[str, int] = defaultdict(int)  # "all" + flagged categories
        self.ingest: dict[str, int] = defaultdict(int)  # received / stored / duplicates
        # texts scored per (source, mode asked for, mode used): source "check" or "comments"
        self.modes: dict[tuple[str, str, str], int] = defaultdict(int)
        # features add their own lines (escalation: the alert outbox)
        self.collectors: list[Callable[[], list[str]]] = []

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[(method, route, str(status))] += 1
        self.latency[route].observe(seconds)

    def scored(self, source: str, requested: str, used: str, n: int = 1) -> None:
        self.modes[(source, requested, used)] += n

    def render(self) -> str:
        lines = [
            "# HELP denkna_http_requests_total HTTP requests by route and status.",
            "# TYPE denkna_http_requests_total counter",
        ]
        for (method, route, status), n in sorted(self.requests.items()):
            lines.append(
                "denkna_http_requests_total"
                f"{_labels(method=method, route=route, status=status)} {n}"
            )
        lines += [
            "# HELP denkna_http_request_duration_seconds Request latency by route.",
            "# TYPE denkna_http_request_duration_seconds histogram",
        ]
        for route, h in sorted(self.latency.items()):
            cumulative = 0
            for bound, count in zip((*BUCKETS, float("inf")), h.counts, strict=True):
                cumulative += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                lines.append(
                    f"denkna_http_request_duration_seconds_bucket{_labels(route=route, le=le)} "
                    f"{cumulative}"
                )
            name = "denkna_http_request_duration_seconds"
            lines.append(f"{name}_sum{_labels(route=route)} {h.total}")
            lines.append(f"{name}_count{_labels(route=route)} {h.n}")
        lines += [
            "# HELP denkna_checks_total Drafts checked (category=all) and flagged per category.",
            "# TYPE denkna_checks_total counter",
        ]
        for cat, n in sorted(self.checks.items()):
            lines.append(f"denkna_checks_total{_labels(category=cat)} {n}")
        lines += [
            "# HELP denkna_ingest_comments_total Comments received, stored and duplicate.",
            "# TYPE denkna_ingest_comments_total counter",
        ]
        for result, n in sorted(self.ingest.items()):
            lines.append(f"denkna_ingest_comments_total{_labels(result=result)} {n}")
        lines += [
            "# HELP denkna_scored_texts_total Texts scored, by source (check, comments), the "
            "mode asked for and the mode used (deep falls back to quick while it is not ready).",
            "# TYPE denkna_scored_texts_total counter",
        ]
        for (source, requested, used), n in sorted(self.modes.items()):
            lines.append("denkna_scored_texts_total"
                         f"{_labels(source=source, requested=requested, used=used)} {n}")
        for collect in self.collectors:
            lines += collect()
        return "\n".join(lines) + "\n"
