"""HubSpot (CRM API v3) as the system of record; auth is a private-app access token (Bearer).

Cases are tickets. Tickets need a custom single-line text property ``talkworthy_key`` with
"require unique values" on (``hasUniqueValue``). :meth:`open_case` reads
``GET /crm/v3/objects/tickets/{key}?idProperty=talkworthy_key`` (a strongly consistent read by a
unique property); a hit returns that ticket untouched (``created=False``), a miss writes with
``POST /crm/v3/objects/tickets/batch/upsert`` keyed by ``idProperty=talkworthy_key`` - the
documented "create or update a batch of tickets by unique property values" endpoint - whose result
says ``new``. Racing deliveries converge on one ticket because the property is unique. The search
API is not used for this: it is eventually consistent and would let a quick redelivery through.
The ticket is then associated with the contact (``PUT /crm/v4/.../associations/default/...``,
idempotent, so it is also repaired on a redelivery).

Leads: HubSpot's lead is a contact with a lead status. :meth:`flag_lead` upserts the contact
(``POST /crm/v3/objects/contacts/batch/upsert``) by ``email``, or by a unique contact property
``talkworthy_handle`` (``platform:handle``) when there is no e-mail, setting ``hs_lead_status=NEW``
and ``talkworthy_lead_key``; a contact whose ``talkworthy_lead_key`` already equals the key is
left alone (``created=False``). ``lifecyclestage`` is only set on new contacts: HubSpot does not
move an existing contact's lifecycle stage backwards (customer → lead).
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
from talkworthy.errors import InvalidInputError, PermanentError
from talkworthy.http import HttpClient

__all__ = ["HubSpotCrmAdapter"]

SYSTEM = "hubspot"
TICKET_KEY = "talkworthy_key"
LEAD_KEY = "talkworthy_lead_key"
HANDLE_KEY = "talkworthy_handle"
_PRIORITY = {"low": "LOW", "normal": "MEDIUM", "high": "HIGH", "urgent": "URGENT"}


class HubSpotCrmAdapter(NoRetentionTasks):
    def __init__(
        self,
        access_token: str,
        http: HttpClient | None = None,
        *,
        base_url: str = "https://api.hubapi.com",
        portal_id: str | None = None,
        pipeline: str = "0",
        pipeline_stage: str = "1",
        closed_stage: str = "4",
        tier_property: str | None = None,
    ) -> None:
        self._token = access_token
        self._http = http or HttpClient()
        self._base = base_url.rstrip("/")
        self._portal_id = portal_id
        self._pipeline = pipeline
        self._stage = pipeline_stage
        self._closed_stage = closed_stage
        self._tier_property = tier_property

    def find_contact_by_email(self, email: str) -> Contact | None:
        properties = ["email", "firstname", "lastname", "hubspot_owner_id"]
        properties += [self._tier_property] if self._tier_property else []
        found = self._search("contacts", [_eq("email", email.strip().lower())], properties, limit=1)
        if not found:
            return None
        row = found[0]
        props = row.get("properties") or {}
        name = " ".join(filter(None, [props.get("firstname"), props.get("lastname")])) or None
        return Contact(
            system=SYSTEM,
            contact_id=str(row["id"]),
            email=props.get("email"),
            name=name,
            tier=props.get(self._tier_property) if self._tier_property else None,
            owner=props.get("hubspot_owner_id"),
        )

    def open_case(self, req: CaseRequest) -> CaseRef:
        key = external_key(req.idempotency_key)
        existing = self._read("tickets", key, TICKET_KEY, [TICKET_KEY])
        if existing is not None:
            ticket_id, created = str(existing["id"]), False
        else:
            lines = [req.description, "", f"Channel: {req.origin_channel}"]
            lines += [f"Source: {req.origin_url}"] if req.origin_url else []
            lines += [f"Requester: {req.requester_email}"] if req.requester_email else []
            lines += [f"Tags: {', '.join(req.tags)}"] if req.tags else []
            properties = {
                "subject": req.subject,
                "content": "\n".join(lines),
                "hs_pipeline": self._pipeline,
                "hs_pipeline_stage": self._stage,
                "hs_ticket_priority": _PRIORITY[req.priority],
            }
            result = self._upsert("tickets", key, TICKET_KEY, properties)
            ticket_id, created = str(result["id"]), bool(result.get("new"))
        if req.contact is not None and req.contact.system == SYSTEM:
            path = f"/crm/v4/objects/tickets/{ticket_id}/associations/default/contacts/{req.contact.contact_id}"
            self._call("PUT", path)
        return CaseRef(system=SYSTEM, case_id=ticket_id, url=self._url("0-5", ticket_id), created=created)

    def flag_lead(self, req: LeadRequest) -> LeadRef:
        if req.email:
            id_property, value = "email", req.email.strip().lower()
        elif req.handle:
            id_property, value = HANDLE_KEY, f"{req.platform}:{req.handle}".lower()
        else:
            raise InvalidInputError("a HubSpot lead needs an e-mail address or a handle")
        key = external_key(req.idempotency_key)
        existing = self._read("contacts", value, id_property, [LEAD_KEY])
        if existing is not None and (existing.get("properties") or {}).get(LEAD_KEY) == key:
            contact_id = str(existing["id"])
            return LeadRef(system=SYSTEM, lead_id=contact_id, url=self._url("0-1", contact_id), created=False)
        properties: dict[str, str] = {"hs_lead_status": "NEW", LEAD_KEY: key}
        if existing is None:
            first, _, last = (req.name or req.handle or "").partition(" ")
            names = {"firstname": first, "lastname": last}
            properties.update(lifecyclestage="lead", **{k: v for k, v in names.items() if v})
        result = self._upsert("contacts", value, id_property, properties)
        contact_id = str(result["id"])
        return LeadRef(system=SYSTEM, lead_id=contact_id, url=self._url("0-1", contact_id), created=True)

    def open_cases_for(self, contact_id: str | None, email: str | None) -> list[CaseRef]:
        if contact_id is None and email:
            contact = self.find_contact_by_email(email)
            contact_id = contact.contact_id if contact else None
        if contact_id is None:
            return []
        filters = [
            _eq("associations.contact", contact_id),
            {"propertyName": "closed_date", "operator": "NOT_HAS_PROPERTY"},
        ]
        found = self._search("tickets", filters, ["subject", "hs_pipeline_stage"], limit=100)
        return [
            CaseRef(system=SYSTEM, case_id=str(row["id"]), url=self._url("0-5", str(row["id"])), created=False)
            for row in found
        ]

    # Updates: ``PATCH /crm/v3/objects/{tickets|contacts}/{id}`` with ``{"properties": {...}}``
    # answers 200 with the object, 404 for an unknown id. Leads are contacts (see flag_lead).
    def assign_owner(self, kind: RecordKind, record_id: str, owner: str) -> None:
        self._patch(kind, record_id, {"hubspot_owner_id": owner})

    def set_priority(self, case_id: str, priority: Priority) -> None:
        self._patch("case", case_id, {"hs_ticket_priority": _PRIORITY[priority]})

    def dismiss(self, kind: RecordKind, record_id: str, reason: str) -> None:
        """A ticket moves to the pipeline's closed stage; a lead contact becomes ``UNQUALIFIED``.

        The reason is not written to HubSpot: ``hs_resolution`` is an enumeration whose options each
        portal configures, so free text would be refused (400); ``Action.Completed`` carries it.
        """
        if kind == "case":
            self._patch("case", record_id, {"hs_pipeline_stage": self._closed_stage})
        else:
            self._patch("lead", record_id, {"hs_lead_status": "UNQUALIFIED"})

    def _patch(self, kind: RecordKind, record_id: str, properties: dict[str, str]) -> None:
        object_type = "tickets" if kind == "case" else "contacts"
        path = f"/crm/v3/objects/{object_type}/{quote(record_id, safe='')}"
        if self._call("PATCH", path, json={"properties": properties}, expect=(404,)).status_code == 404:
            raise RecordNotFoundError(f"no HubSpot {object_type[:-1]} {record_id}")

    # -- REST -----------------------------------------------------------------------------------

    def _read(self, object_type: str, value: str, id_property: str, properties: list[str]) -> dict[str, Any] | None:
        response = self._call(
            "GET",
            f"/crm/v3/objects/{object_type}/{quote(value, safe='')}",
            params={"idProperty": id_property, "properties": ",".join(properties)},
            expect=(404,),
        )
        return None if response.status_code == 404 else dict(response.json())

    def _upsert(self, object_type: str, value: str, id_property: str, properties: dict[str, str]) -> dict[str, Any]:
        body = {"inputs": [{"id": value, "idProperty": id_property, "properties": properties}]}
        result = self._call("POST", f"/crm/v3/objects/{object_type}/batch/upsert", json=body).json()
        if result.get("errors") or not result.get("results"):
            raise PermanentError(f"HubSpot {object_type} upsert failed: {result.get('errors')}")
        return dict(result["results"][0])

    def _search(
        self, object_type: str, filters: list[dict[str, Any]], properties: list[str], *, limit: int
    ) -> list[dict[str, Any]]:
        body = {"filterGroups": [{"filters": filters}], "properties": properties, "limit": limit}
        result = self._call("POST", f"/crm/v3/objects/{object_type}/search", json=body).json()
        return list(result.get("results", []))

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        return self._http.request(method, f"{self._base}{path}", headers=headers, **kwargs)

    def _url(self, object_type_id: str, record_id: str) -> str | None:
        if self._portal_id is None:
            return None
        return f"https://app.hubspot.com/contacts/{self._portal_id}/record/{object_type_id}/{record_id}"


def _eq(prop: str, value: str) -> dict[str, str]:
    return {"propertyName": prop, "operator": "EQ", "value": value}
