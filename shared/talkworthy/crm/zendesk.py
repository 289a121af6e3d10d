"""Zendesk Support (Ticketing API v2) as the system of record; auth is ``{email}/token`` + API token.

Idempotency, two layers, both documented by Zendesk:

1. ``external_id`` = :func:`external_key` of the request's key. :meth:`open_case` first lists
   ``GET /api/v2/tickets?external_id=...``; a hit is returned untouched (``created=False``). This
   covers redeliveries at any distance (Zendesk does not enforce unique external ids, hence layer 2).
2. ``POST /api/v2/tickets`` carries ``Idempotency-Key`` (same value). Zendesk keeps the key for two
   hours: a repeat within the window gets the original response with ``x-idempotency-lookup: hit``
   (``created=False``), a concurrent repeat gets 409 (retried), the same key with a different body 400.
   (Docs: Ticketing API introduction, "Idempotency".)

Leads: Zendesk Support has no leads. :meth:`flag_lead` files a ``task`` ticket tagged
``talkworthy_lead`` for the sales team (same two idempotency layers, key namespace ``lead``), and
:meth:`open_cases_for` leaves those tickets out, so a lead never counts as an open support case.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from talkworthy.catalog.cases import Priority
from talkworthy.crm.port import (
    CaseRef,
    CaseRequest,
    Contact,
    LeadRef,
    LeadRequest,
    NoRetentionTasks,
    RecordKind,
    RecordNotFoundError,
    external_key,
)
from talkworthy.errors import PermanentError
from talkworthy.http import HttpClient

__all__ = ["LEAD_TAG", "ZendeskCrmAdapter"]

SYSTEM = "zendesk"
LEAD_TAG = "talkworthy_lead"
DISMISSED_TAG = "not_actionable"
OPEN_STATUSES = ("new", "open", "pending", "hold")


class ZendeskCrmAdapter(NoRetentionTasks):
    def __init__(self, subdomain_url: str, email: str, api_token: str, http: HttpClient | None = None) -> None:
        self._base = subdomain_url.rstrip("/")
        self._auth = (f"{email}/token", api_token)
        self._http = http or HttpClient()

    def find_contact_by_email(self, email: str) -> Contact | None:
        wanted = email.strip().lower()
        users = self._call("GET", "/api/v2/users/search", params={"query": f"email:{wanted}"}).json()["users"]
        for user in users:
            if (user.get("email") or "").lower() == wanted:
                fields = user.get("user_fields") or {}
                return Contact(
                    system=SYSTEM,
                    contact_id=str(user["id"]),
                    email=user.get("email"),
                    name=user.get("name"),
                    tier=fields.get("tier"),
                    owner=None,
                )
        return None

    def open_case(self, req: CaseRequest) -> CaseRef:
        ticket: dict[str, Any] = {
            "subject": req.subject,
            "comment": {"body": _with_footer(req.description, req.origin_channel, req.origin_url)},
            "priority": req.priority,
            "tags": ["talkworthy", _tag(req.origin_channel), *map(_tag, req.tags)],
        }
        if req.contact is not None and req.contact.system == SYSTEM:
            ticket["requester_id"] = int(req.contact.contact_id)
        elif req.requester_email:
            name = req.contact.name if req.contact and req.contact.name else req.requester_email
            ticket["requester"] = {"email": req.requester_email, "name": name}
        ticket_id, created = self._create_once(external_key(req.idempotency_key), ticket)
        return CaseRef(system=SYSTEM, case_id=ticket_id, url=self._agent_url(ticket_id), created=created)

    def flag_lead(self, req: LeadRequest) -> LeadRef:
        who = req.name or req.handle or req.email or "someone"
        ticket: dict[str, Any] = {
            "subject": f"Sales lead: {who} on {req.platform}",
            "comment": {"body": _with_footer(req.note or "Flagged as a sales lead.", req.platform, req.source_url)},
            "type": "task",
            "priority": "normal",
            "tags": ["talkworthy", LEAD_TAG, _tag(req.platform)],
        }
        if req.email:
            ticket["requester"] = {"email": req.email, "name": req.name or req.handle or req.email}
        ticket_id, created = self._create_once(external_key(req.idempotency_key, "lead"), ticket)
        return LeadRef(system=SYSTEM, lead_id=ticket_id, url=self._agent_url(ticket_id), created=created)

    def open_cases_for(self, contact_id: str | None, email: str | None) -> list[CaseRef]:
        requester = contact_id or (email.strip().lower() if email else None)
        if requester is None:
            return []
        query = f"type:ticket status<solved requester:{requester} -tags:{LEAD_TAG}"
        found = self._call("GET", "/api/v2/search", params={"query": query}).json()
        return [
            CaseRef(system=SYSTEM, case_id=str(row["id"]), url=self._agent_url(str(row["id"])), created=False)
            for row in found.get("results", [])
            if row.get("result_type", "ticket") == "ticket" and row.get("status") in OPEN_STATUSES
        ]

    # Updates: ``PUT /api/v2/tickets/{id}`` with ``{"ticket": {...}}`` answers 200 with the ticket,
    # 404 (``RecordNotFound``) for an unknown id. Leads are tickets too (see flag_lead);
    # ``assignee_id`` must be a Zendesk agent's user id.
    def assign_owner(self, kind: RecordKind, record_id: str, owner: str) -> None:
        self._update(record_id, {"assignee_id": int(owner) if owner.isdigit() else owner})

    def set_priority(self, case_id: str, priority: Priority) -> None:
        self._update(case_id, {"priority": priority})

    def dismiss(self, kind: RecordKind, record_id: str, reason: str) -> None:
        """Solved, with a private note saying why and the ``not_actionable`` tag, once.

        A ticket already solved or closed is left alone: a redelivery adds no second note, and
        Zendesk refuses any update of a closed ticket (422).
        """
        path = f"/api/v2/tickets/{quote(record_id, safe='')}"
        found = self._call("GET", path, expect=(404,))
        if found.status_code == 404:
            raise RecordNotFoundError(f"no Zendesk ticket {record_id}")
        if found.json()["ticket"].get("status") in ("solved", "closed"):
            return
        note = {"body": f"Dismissed from Talkworthy: {reason}", "public": False}
        self._update(record_id, {"status": "solved", "comment": note, "additional_tags": [DISMISSED_TAG]})

    def _update(self, ticket_id: str, fields: dict[str, Any]) -> None:
        path = f"/api/v2/tickets/{quote(ticket_id, safe='')}"
        if self._call("PUT", path, json={"ticket": fields}, expect=(404,)).status_code == 404:
            raise RecordNotFoundError(f"no Zendesk ticket {ticket_id}")

    # -- REST -----------------------------------------------------------------------------------

    def _create_once(self, key: str, ticket: dict[str, Any]) -> tuple[str, bool]:
        existing = self._call("GET", "/api/v2/tickets", params={"external_id": key}).json()["tickets"]
        if existing:
            return str(min(existing, key=lambda t: int(t["id"]))["id"]), False
        response = self._call(
            "POST",
            "/api/v2/tickets",
            json={"ticket": {**ticket, "external_id": key}},
            headers={"Idempotency-Key": key},
        )
        replayed = response.headers.get("x-idempotency-lookup", "").lower() == "hit"
        created = response.json().get("ticket")
        if not created or "id" not in created:
            raise PermanentError("Zendesk answered a ticket create without a ticket")
        return str(created["id"]), not replayed

    def _call(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> requests.Response:
        merged = {"Accept": "application/json", **(headers or {})}
        return self._http.request(method, f"{self._base}{path}", auth=self._auth, headers=merged, **kwargs)

    def _agent_url(self, ticket_id: str) -> str:
        return f"{self._base}/agent/tickets/{ticket_id}"


def _tag(value: str) -> str:
    """Zendesk tags are single words: lower case, spaces become underscores."""
    return "_".join(value.lower().split())


def _with_footer(body: str, channel: str, url: str | None) -> str:
    footer = f"\n\n--\nvia Talkworthy · {channel}" + (f" · {url}" if url else "")
    return body + footer
