"""Salesforce (REST API) as the system of record.

Auth: OAuth 2.0 client credentials (``POST /services/oauth2/token``, grant_type=client_credentials);
the token is cached and fetched again once when the API answers 401.

Idempotency: ``Case`` and ``Lead`` each need a unique, external-ID text field ``Talkworthy_Key__c``
holding :func:`external_key` of the request's key. A write first reads
``/sobjects/{Object}/Talkworthy_Key__c/{key}``; a hit returns that record (``created=False``) and
leaves it alone (an agent's edits survive a redelivery). A miss upserts with
``PATCH /sobjects/{Object}/Talkworthy_Key__c/{key}``: Salesforce matches on the unique external ID,
so two racing deliveries still converge on one record; 201 means it was created, 200/204 updated.
(Docs: "Insert or Update (Upsert) a Record Using an External ID", REST API Developer Guide.)
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

__all__ = ["SalesforceCrmAdapter", "soql_quote"]

SYSTEM = "salesforce"
KEY_FIELD = "Talkworthy_Key__c"
_PRIORITY = {"low": "Low", "normal": "Medium", "high": "High", "urgent": "High"}
_SOQL_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def soql_quote(value: str) -> str:
    """A SOQL string literal: the reserved characters escaped with a backslash, then single-quoted."""
    return "'" + "".join(_SOQL_ESCAPES.get(char, char) for char in value) + "'"


class SalesforceCrmAdapter(NoRetentionTasks):
    def __init__(
        self,
        instance_url: str,
        client_id: str,
        client_secret: str,
        http: HttpClient | None = None,
        *,
        api_version: str = "62.0",
        tier_field: str | None = None,
        case_origin: str = "Web",
        lead_source: str = "Web",
    ) -> None:
        self._base = instance_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._http = http or HttpClient()
        self._data = f"{self._base}/services/data/v{api_version}"
        self._tier_field = tier_field
        self._case_origin = case_origin
        self._lead_source = lead_source
        self._token: str | None = None

    # -- the port -------------------------------------------------------------------------------

    def find_contact_by_email(self, email: str) -> Contact | None:
        fields = ["Id", "Name", "Email", "OwnerId", *([self._tier_field] if self._tier_field else [])]
        soql = (
            # SOQL over REST has no bind variables: every value goes through soql_quote.
            f"SELECT {', '.join(fields)} FROM Contact WHERE Email = {soql_quote(email.strip())} "  # noqa: S608
            "ORDER BY LastModifiedDate DESC LIMIT 1"
        )
        records = self._query(soql)
        if not records:
            return None
        row = records[0]
        return Contact(
            system=SYSTEM,
            contact_id=row["Id"],
            email=row.get("Email"),
            name=row.get("Name"),
            tier=row.get(self._tier_field) if self._tier_field else None,
            owner=row.get("OwnerId"),
        )

    def open_case(self, req: CaseRequest) -> CaseRef:
        lines = [req.description, "", f"Channel: {req.origin_channel}"]
        lines += [f"Source: {req.origin_url}"] if req.origin_url else []
        lines += [f"Tags: {', '.join(req.tags)}"] if req.tags else []
        body: dict[str, Any] = {
            "Subject": req.subject[:255],
            "Description": "\n".join(lines),
            "Priority": _PRIORITY[req.priority],
            "Origin": self._case_origin,
        }
        if req.contact is not None and req.contact.system == SYSTEM:
            body["ContactId"] = req.contact.contact_id
        if req.requester_email:
            body["SuppliedEmail"] = req.requester_email
        record_id, created = self._create_once("Case", external_key(req.idempotency_key), body)
        return CaseRef(system=SYSTEM, case_id=record_id, url=self._record_url("Case", record_id), created=created)

    def flag_lead(self, req: LeadRequest) -> LeadRef:
        who = req.name or req.handle or req.email or "Unknown"
        description = "\n".join(filter(None, [req.note, req.source_url and f"Source: {req.source_url}"]))
        body: dict[str, Any] = {
            "LastName": who[:80],
            "Company": f"{req.handle or who} ({req.platform})"[:255],
            "LeadSource": self._lead_source,
            "Description": description,
        }
        if req.email:
            body["Email"] = req.email
        record_id, created = self._create_once("Lead", external_key(req.idempotency_key), body)
        return LeadRef(system=SYSTEM, lead_id=record_id, url=self._record_url("Lead", record_id), created=created)

    def open_cases_for(self, contact_id: str | None, email: str | None) -> list[CaseRef]:
        who = [f"ContactId = {soql_quote(contact_id)}"] if contact_id else []
        if email:
            literal = soql_quote(email.strip())
            who += [f"SuppliedEmail = {literal}", f"Contact.Email = {literal}"]
        if not who:
            return []
        soql = f"SELECT Id FROM Case WHERE IsClosed = false AND ({' OR '.join(who)}) ORDER BY CreatedDate"  # noqa: S608
        return [
            CaseRef(system=SYSTEM, case_id=row["Id"], url=self._record_url("Case", row["Id"]), created=False)
            for row in self._query(soql)
        ]

    # Updates: ``PATCH /sobjects/{Case|Lead}/{Id}`` with the fields to set answers 204 No Content,
    # 404 (``NOT_FOUND``) for an unknown id. ``OwnerId`` must be a Salesforce user id (005...).
    def assign_owner(self, kind: RecordKind, record_id: str, owner: str) -> None:
        self._update(kind, record_id, {"OwnerId": owner})

    def set_priority(self, case_id: str, priority: Priority) -> None:
        self._update("case", case_id, {"Priority": _PRIORITY[priority]})

    def dismiss(self, kind: RecordKind, record_id: str, reason: str) -> None:
        """A lead gets the standard unqualified status; a case is closed with the reason as an
        internal comment, once.

        ``Comments`` (Internal Comments) adds a CaseComment on every write, so a case that is
        already closed (``IsClosed``) is left alone and a redelivery adds no second comment.
        (``Reason`` is not used: it is the picklist of why the case was opened.)
        """
        if kind == "lead":
            self._update("lead", record_id, {"Status": "Closed - Not Converted"})
            return
        found = self._api("GET", _record_path("case", record_id), params={"fields": "IsClosed"}, expect=(404,))
        if found.status_code == 404:
            raise RecordNotFoundError(f"no Salesforce Case {record_id}")
        if not found.json().get("IsClosed"):
            self._update("case", record_id, {"Status": "Closed", "Comments": f"Dismissed: {reason}"[:4000]})

    def _update(self, kind: RecordKind, record_id: str, fields: dict[str, Any]) -> None:
        if self._api("PATCH", _record_path(kind, record_id), json=fields, expect=(404,)).status_code == 404:
            raise RecordNotFoundError(f"no Salesforce {'Case' if kind == 'case' else 'Lead'} {record_id}")

    # -- REST -----------------------------------------------------------------------------------

    def _create_once(self, sobject: str, key: str, body: dict[str, Any]) -> tuple[str, bool]:
        path = f"/sobjects/{sobject}/{KEY_FIELD}/{quote(key, safe='')}"
        existing = self._api("GET", path, params={"fields": "Id"}, expect=(404,))
        if existing.status_code != 404:
            return str(existing.json()["Id"]), False
        response = self._api("PATCH", path, json=body)
        if response.status_code == 300:
            raise PermanentError(f"{sobject}.{KEY_FIELD} {key} matches several records; it must be unique")
        if response.status_code == 204:  # API versions before 46.0 answer an update with no body
            return str(self._api("GET", path, params={"fields": "Id"}).json()["Id"]), False
        result = response.json()
        if not result.get("success", True):
            raise PermanentError(f"{sobject} upsert failed: {result.get('errors')}")
        return str(result["id"]), response.status_code == 201

    def _query(self, soql: str) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        page = self._api("GET", "/query", params={"q": soql}).json()
        records += page.get("records", [])
        while not page.get("done", True) and page.get("nextRecordsUrl"):
            page = self._api("GET", page["nextRecordsUrl"], absolute_path=True).json()
            records += page.get("records", [])
        return records

    def _api(
        self,
        method: str,
        path: str,
        *,
        absolute_path: bool = False,
        expect: tuple[int, ...] = (),
        **kwargs: Any,
    ) -> requests.Response:
        url = f"{self._base}{path}" if absolute_path else f"{self._data}{path}"
        for fresh in (False, True):
            if self._token is None or fresh:
                self._token = self._fetch_token()
            headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
            response = self._http.request(method, url, headers=headers, expect=(401, *expect), **kwargs)
            if response.status_code != 401:
                return response
        raise PermanentError(f"{method} {path}: 401 from Salesforce with a fresh token")

    def _fetch_token(self) -> str:
        response = self._http.request(
            "POST",
            f"{self._base}/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            },
            headers={"Accept": "application/json"},
        )
        token = response.json().get("access_token")
        if not token:
            raise PermanentError("Salesforce token response carried no access_token")
        return str(token)

    def _record_url(self, sobject: str, record_id: str) -> str:
        return f"{self._base}/lightning/r/{sobject}/{record_id}/view"


def _record_path(kind: RecordKind, record_id: str) -> str:
    return f"/sobjects/{'Case' if kind == 'case' else 'Lead'}/{quote(record_id, safe='')}"
