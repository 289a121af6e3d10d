"""A Discourse-compatible admin reports API for the local mesh: ``GET /admin/reports/<report>.json``.

Served by the Slack sink's HTTP server under ``/discourse`` (so ``base_url`` of a local community is
``<sink>/discourse``). It checks ``Api-Key`` and ``Api-Username`` as Discourse does (403 with
``error_type: invalid_access``), knows the ``page_view_total_reqs`` report (404 ``not_found``
otherwise), validates ``start_date``/``end_date`` (400) and answers Discourse's shape:
``{"report": {"type", "title", "start_date", "end_date", "data": [{"x": day, "y": count}], "total"}}``.
Page views are what :meth:`DiscourseReportsSink.set_page_views` was given, else a steady default.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["DiscourseReportsSink"]

Reply = tuple[int, dict[str, str], Any]
_REPORTS = {"page_view_total_reqs": "Pageviews"}
_MAX_DAYS = 366


def _error(status: int, kind: str, message: str) -> Reply:
    return status, {}, {"errors": [message], "error_type": kind}


class DiscourseReportsSink:
    def __init__(self, api_keys: Mapping[str, str] | None = None, api_username: str = "system") -> None:
        self._keys = set((api_keys or {}).values())
        self._username = api_username
        self._views: dict[date, int] = {}
        self._lock = threading.Lock()
        self.requests = 0

    def allow_key(self, key: str) -> None:
        self._keys.add(key)

    def set_page_views(self, views: Mapping[date, int]) -> None:
        with self._lock:
            self._views.update(views)

    def _count(self, day: date) -> int:
        found = self._views.get(day)
        if found is not None:
            return found
        return 1_000 + zlib.crc32(day.isoformat().encode()) % 200  # a steady forum, the same every run

    def handle(self, method: str, path: str, headers: Mapping[str, str]) -> Reply:
        self.requests += 1
        parts = urlsplit(path)
        name = parts.path.removeprefix("/discourse/admin/reports/")
        if method != "GET" or name == parts.path or not name.endswith(".json"):
            return _error(404, "not_found", "The requested URL or resource could not be found.")
        key, user = headers.get("api-key", ""), headers.get("api-username", "")
        if key not in self._keys or user != self._username:
            return _error(403, "invalid_access", "You are not permitted to view the requested resource.")
        report = name.removesuffix(".json")
        if report not in _REPORTS:
            return _error(404, "not_found", f"report {report} does not exist")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            start, end = date.fromisoformat(query["start_date"]), date.fromisoformat(query["end_date"])
        except (KeyError, ValueError):
            return _error(400, "invalid_parameters", "start_date and end_date must be YYYY-MM-DD")
        if end < start or (end - start).days > _MAX_DAYS:
            return _error(400, "invalid_parameters", "end_date must follow start_date, within a year")
        with self._lock:
            days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
            data = [{"x": day.isoformat(), "y": self._count(day)} for day in days]
        return 200, {}, {
            "report": {
                "type": report,
                "title": _REPORTS[report],
                "start_date": f"{start.isoformat()}T00:00:00Z",
                "end_date": f"{end.isoformat()}T23:59:59Z",
                "data": data,
                "total": sum(point["y"] for point in data),
            }
        }
