"""ZendeskCrmAdapter against a local server speaking the documented Ticketing API shapes.

Shapes: ``{"users": [...]}``, ``{"tickets": [...]}``, ``{"ticket": {...}}`` (201 on create),
``{"results": [{"result_type": "ticket", ...}]}`` for search; ``Idempotency-Key`` on create with
``x-idempotency-lookup: miss|hit`` and 400 ``IdempotentRequestError`` for a reused key with another body.
"""

from __future__ import annotations

import base64
from itertools import count
from typing import Any

import pytest

from talkworthy.crm.port import CaseRequest, Contact, LeadRequest, external_key
from talkworthy.crm.zendesk import ZendeskCrmAdapter
from talkworthy.errors import PermanentError, RetryableError
from talkworthy.http import HttpClient
from tests.unit.crm.vendor_server import Recorded, Reply, VendorServer

TICKETS = "/api/v2/tickets"


class FakeZendesk:
    """Tickets with external ids, and the two-hour idempotency-key store of ``POST /api/v2/tickets``."""

    def __init__(self, vendor: VendorServer) -> None:
        self.vendor = vendor
        self.tickets: list[dict[str, Any]] = []
        self.keys: dict[str, tuple[bytes, dict[str, Any]]] = {}
        self._ids = count(35436)
        vendor.on("GET", TICKETS, self.list_tickets)
        vendor.on("POST", TICKETS, self.create)

    def list_tickets(self, request: Recorded) -> Reply:
        wanted = request.param("external_id")
        found = [t for t in self.tickets if t["external_id"] == wanted]
        return Reply(200, {"tickets": found, "next_page": None, "previous_page": None, "count": len(found)})

    def create(self, request: Recorded) -> Reply:
        key = request.headers.get("idempotency-key")
        if key in self.keys:
            body, ticket = self.keys[key]
            if body != request.body:
                error = {
                    "error": "IdempotentRequestError",
                    "description": "Request parameters don't match the given idempotency key",
                }
                return Reply(400, error)
            return Reply(201, {"ticket": ticket}, {"x-idempotency-lookup": "hit"})
        ticket_id = next(self._ids)
        ticket = {
            "id": ticket_id,
            "url": f"{self.vendor.url}/api/v2/tickets/{ticket_id}.json",
            "status": "new",
            **request.json()["ticket"],
        }
        self.tickets.append(ticket)
        if key:
            self.keys[key] = (request.body, ticket)
        return Reply(201, {"ticket": ticket}, {"x-idempotency-lookup": "miss"} if key else {})


@pytest.fixture
def zendesk(vendor: VendorServer) -> FakeZendesk:
    return FakeZendesk(vendor)


@pytest.fixture
def adapter(vendor: VendorServer, http: HttpClient, zendesk: FakeZendesk) -> ZendeskCrmAdapter:
    return ZendeskCrmAdapter(vendor.url, "agent@example.com", "abc123", http=http)


def _case(key: str = "evt-1>route", contact: Contact | None = None) -> CaseRequest:
    return CaseRequest(
        idempotency_key=key,
        subject="Order 1234 never arrived",
        description="@ada: my parcel is two weeks late",
        contact=contact or Contact(system="zendesk", contact_id="1001", email="ada@example.com", name="Ada"),
        requester_email="ada@example.com",
        priority="urgent",
        origin_channel="Twitter DM",
        origin_url="https://x.com/ada/status/1",
        tags=("complaint",),
    )


def test_user_search_by_email_with_token_auth(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    users = [
        {
            "id": 1002,
            "name": "Ada Junior",
            "email": "ada.jr@example.com",
            "role": "end-user",
            "user_fields": {},
        },
        {
            "id": 1001,
            "name": "Ada",
            "email": "Ada@Example.com",
            "role": "end-user",
            "user_fields": {"tier": "gold"},
        },
    ]
    vendor.on("GET", "/api/v2/users/search", Reply(200, {"users": users, "next_page": None, "count": 2}))

    contact = adapter.find_contact_by_email("ada@example.com")

    assert contact == Contact(system="zendesk", contact_id="1001", email="Ada@Example.com", name="Ada", tier="gold")
    [search] = vendor.calls("GET", "/api/v2/users/search")
    assert search.query == {"query": ["email:ada@example.com"]}
    expected = base64.b64encode(b"agent@example.com/token:abc123").decode()
    assert search.headers["authorization"] == f"Basic {expected}"


def test_no_user_is_none(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    vendor.on("GET", "/api/v2/users/search", Reply(200, {"users": [], "next_page": None, "count": 0}))

    assert adapter.find_contact_by_email("nobody@example.com") is None


def test_open_case_looks_up_the_external_id_then_creates_with_an_idempotency_key(
    vendor: VendorServer, adapter: ZendeskCrmAdapter
) -> None:
    ref = adapter.open_case(_case())

    key = external_key("evt-1>route")
    assert ref.created is True
    assert ref.case_id == "35436"
    assert ref.url == f"{vendor.url}/agent/tickets/35436"
    [lookup] = vendor.calls("GET", TICKETS)
    assert lookup.query == {"external_id": [key]}
    [create] = vendor.calls("POST", TICKETS)
    assert create.headers["idempotency-key"] == key
    ticket = create.json()["ticket"]
    assert ticket["external_id"] == key
    assert ticket["requester_id"] == 1001
    assert ticket["priority"] == "urgent"
    assert ticket["tags"] == ["talkworthy", "twitter_dm", "complaint"]
    assert ticket["comment"]["body"].startswith("@ada: my parcel is two weeks late")
    assert "https://x.com/ada/status/1" in ticket["comment"]["body"]


def test_a_requester_outside_zendesk_is_given_by_email(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    adapter.open_case(_case(contact=Contact(system="salesforce", contact_id="003X", name="Ada L")))

    ticket = vendor.calls("POST", TICKETS)[0].json()["ticket"]
    assert "requester_id" not in ticket
    assert ticket["requester"] == {"email": "ada@example.com", "name": "Ada L"}


def test_a_redelivered_case_is_found_by_external_id(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    first = adapter.open_case(_case())
    second = adapter.open_case(_case())

    assert (second.case_id, second.created) == (first.case_id, False)
    assert len(vendor.calls("POST", TICKETS)) == 1


def test_an_idempotent_replay_reports_not_created(
    vendor: VendorServer, adapter: ZendeskCrmAdapter, zendesk: FakeZendesk
) -> None:
    """The lookup missed (not yet visible), the create replayed: ``x-idempotency-lookup: hit``."""
    first = adapter.open_case(_case())
    vendor.on("GET", TICKETS, Reply(200, {"tickets": [], "next_page": None, "count": 0}))

    second = adapter.open_case(_case())

    assert (second.case_id, second.created) == (first.case_id, False)
    assert len(zendesk.tickets) == 1


def test_429_on_create_waits_and_resends_the_same_idempotency_key(
    vendor: VendorServer, adapter: ZendeskCrmAdapter, zendesk: FakeZendesk, sleeps: list[float]
) -> None:
    vendor.on("POST", TICKETS, Reply(429, {"error": "TooManyRequests"}, {"Retry-After": "7"}), zendesk.create)

    ref = adapter.open_case(_case())

    assert ref.created is True
    assert sleeps == [7.0]
    keys = {call.headers["idempotency-key"] for call in vendor.calls("POST", TICKETS)}
    assert keys == {external_key("evt-1>route")}


def test_persistent_5xx_is_retryable(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    vendor.on("POST", TICKETS, Reply(500, {"error": "InternalError"}))

    with pytest.raises(RetryableError):
        adapter.open_case(_case())

    assert len(vendor.calls("POST", TICKETS)) == 3


def test_an_invalid_ticket_is_permanent(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    invalid = {"error": "RecordInvalid", "description": "Record validation errors", "details": {}}
    vendor.on("POST", TICKETS, Reply(422, invalid))

    with pytest.raises(PermanentError, match="RecordInvalid"):
        adapter.open_case(_case())


def test_a_lead_is_a_tagged_task_ticket_in_its_own_key_space(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    lead = LeadRequest(
        idempotency_key="evt-1>route",  # same key as a case: must not collide with it
        email="grace@example.com",
        name="Grace Hopper",
        handle="@grace",
        platform="linkedin",
        note="Asked for enterprise pricing",
        source_url="https://linkedin.com/p/1",
    )
    case = adapter.open_case(_case())

    first = adapter.flag_lead(lead)
    second = adapter.flag_lead(lead)

    assert first.created is True
    assert second.created is False
    assert first.lead_id == second.lead_id != case.case_id
    ticket = vendor.calls("POST", TICKETS)[1].json()["ticket"]
    assert ticket["type"] == "task"
    assert ticket["tags"] == ["talkworthy", "talkworthy_lead", "linkedin"]
    assert ticket["external_id"] == external_key("evt-1>route", "lead")
    assert ticket["requester"] == {"email": "grace@example.com", "name": "Grace Hopper"}


def test_open_cases_for_searches_unsolved_tickets_that_are_not_leads(
    vendor: VendorServer, adapter: ZendeskCrmAdapter
) -> None:
    results = [
        {"id": 7, "result_type": "ticket", "status": "open", "subject": "late"},
        {"id": 8, "result_type": "ticket", "status": "solved", "subject": "done"},
    ]
    vendor.on(
        "GET",
        "/api/v2/search",
        Reply(200, {"results": results, "facets": None, "next_page": None, "count": 2}),
    )

    refs = adapter.open_cases_for(None, "Ada@Example.com")

    assert [r.case_id for r in refs] == ["7"]
    [search] = vendor.calls("GET", "/api/v2/search")
    assert search.param("query") == "type:ticket status<solved requester:ada@example.com -tags:talkworthy_lead"


def test_open_cases_for_nobody_asks_nothing(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    assert adapter.open_cases_for(None, None) == []
    assert vendor.requests == []
