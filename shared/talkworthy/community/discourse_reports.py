"""Discourse's admin reports API: page views per day, the traffic factor of the health index.

``GET <forum>/admin/reports/<report>.json?start_date=YYYY-MM-DD&end_date=YYYY-MM-DD`` with the
``Api-Key`` and ``Api-Username`` headers (an admin API key) answers
``{"report": {"type": ..., "data": [{"x": "YYYY-MM-DD", "y": <count>}, ...], ...}}``. The report
used is ``page_view_total_reqs`` (every page view, logged in or not, crawlers excluded). A 403 is
a wrong key or username, a 404 a report this forum does not have (both permanent); 429 and 5xx
are retried by :class:`talkworthy.http.HttpClient`, then handed back as retryable.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, ValidationError

from talkworthy.errors import PermanentError
from talkworthy.http import HttpClient

__all__ = ["PAGE_VIEWS_REPORT", "DiscourseReports"]

PAGE_VIEWS_REPORT = "page_view_total_reqs"


class _Point(BaseModel):
    model_config = ConfigDict(extra="ignore")
    x: date
    y: int


class _Report(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str
    data: list[_Point]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    report: _Report


class DiscourseReports:
    def __init__(self, base_url: str, api_key: str, api_username: str, http: HttpClient | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Api-Key": api_key, "Api-Username": api_username, "Accept": "application/json"}
        self._http = http or HttpClient(user_agent="talkworthy-community/1")

    def daily(self, report: str, start: date, end: date) -> dict[date, int]:
        """Each day's value of ``report`` from ``start`` to ``end`` (both included)."""
        response = self._http.request(
            "GET",
            f"{self._base}/admin/reports/{report}.json",
            params={"start_date": start.isoformat(), "end_date": end.isoformat()},
            headers=self._headers,
        )
        try:
            answer = _Answer.model_validate_json(response.content)
        except ValidationError as err:
            raise PermanentError(f"Discourse report {report}: unexpected answer: {err.errors()[0]['msg']}") from err
        if answer.report.type != report:
            raise PermanentError(f"Discourse answered report {answer.report.type!r} for {report!r}")
        return {point.x: point.y for point in answer.report.data if start <= point.x <= end}

    def page_views(self, start: date, end: date) -> dict[date, int]:
        return self.daily(PAGE_VIEWS_REPORT, start, end)
