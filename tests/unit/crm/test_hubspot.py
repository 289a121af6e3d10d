"""HubSpotCrmAdapter against a local server speaking the documented CRM v3/v4 shapes.

Shapes: search ``{"total", "results": [{"id", "properties", "createdAt", "updatedAt", "archived"}]}``,
read by unique property (``?idProperty=``) returning one object or 404 ``{"status": "error",
"category": "OBJECT_NOT_FOUND"}``, batch upsert ``{"status": "COMPLETE", "results": [{..., "new"}]}``.
"""

from __future__ import annotations

from itertools import count
from typing import Any
from urllib.parse import unquote

import pytest

from talkworthy.crm.hubspot import HubSpotCrmAdapter
from talkworthy.crm.port import CaseRequest, Contact, LeadRequest, external_key
from talkworthy.errors import InvalidInputError, PermanentError, RetryableError
from talkworthy.http import HttpClient
from tests.unit.crm.vendor_server import Recorded, Reply, VendorServer

OBJECT = r"/crm/v3/objects/(tickets|contacts)/[^/]+"
UPSERT = r"/crm/v3/objects/(tickets|contacts)/batch/upsert"
ASSOCIATE = r"/crm/v4/objects/tickets/\d+/associations/default/contacts/\d+"
NOT_FOUND = {
    "status": "error",
    "message": "resource not found",
    "correlationId": "c-1",
    "category": "OBJECT_NOT_FOUND",
}


def _object(object_id: str, properties: dict[str, str], new: bool | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": object_id,
        "properties": {"hs_object_id": object_id, **properties},
        "createdAt": "2026-01-05T10:00:00.000Z",
        "updatedAt": "2026-01-05T10:00:00.000Z",
        "archived": False,
    }
    if new is not None:
        row["new"] = new
    return row


class FakeHubSpot:
    """Objects keyed by ``(type, unique property, value)``, read and upserted the documented way."""

    def __init__(self, vendor: VendorServer) -> None:
        self.objects: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._ids = count(512)
        vendor.on("GET", OBJECT, self.read)
        vendor.on("POST", UPSERT, self.upsert)
        vendor.on("PUT", ASSOCIATE, Reply(200, {"status": "COMPLETE", "results": []}))

    def read(self, request: Recorded) -> Reply:
        object_type, value = request.path.split("/")[-2:]
        found = self.objects.get((object_type, request.param("idProperty"), unquote(value)))
        return Reply(200, found) if found else Reply(404, NOT_FOUND)

    def upsert(self, request: Recorded) -> Reply:
        object_type = request.path.split("/")[-3]
        [item] = request.json()["inputs"]
        key = (object_type, item["idProperty"], item["id"])
        existing = self.objects.get(key)
        if existing:
            existing["properties"].update(item["properties"])
            return Reply(200, {"status": "COMPLETE", "results": [{**existing, "new": False}]})
        self.objects[key] = _object(str(next(self._ids)), {item["idProperty"]: item["id"], **item["properties"]})
        return Reply(200, {"status": "COMPLETE", "results": [{**self.objects[key], "new": True}]})


@pytest.fixture
def hubspot(vendor: VendorServer) -> FakeHubSpot:
    return FakeHubSpot(vendor)


@pytest.fixture
def adapter(vendor: VendorServer, http: HttpClient, hubspot: FakeHubSpot) -> HubSpotCrmAdapter:
    return HubSpotCrmAdapter("pat-na1-secret", http=http, base_url=vendor.url, portal_id="4242", tier_property="tier")


def _case(key: str = "evt-1>route") -> CaseRequest:
    return CaseRequest(
        idempotency_key=key,
        subject="Order 1234 never arrived",
        description="@ada: my parcel is two weeks late",
        contact=Contact(system="hubspot", contact_id="151", email="ada@example.com"),
        requester_email="ada@example.com",
        priority="high",
        origin_channel="twitter",
        origin_url="https://x.com/ada/status/1",
        tags=("complaint",),
    )


def test_contact_search_sends_an_eq_filter_and_maps_the_result(
    vendor: VendorServer, adapter: HubSpotCrmAdapter
) -> None:
    found = _object(
        "151",
        {
            "email": "ada@example.com",
            "firstname": "Ada",
            "lastname": "Lovelace",
            "hubspot_owner_id": "77",
            "tier": "gold",
        },
    )
    vendor.on("POST", "/crm/v3/objects/contacts/search", Reply(200, {"total": 1, "results": [found]}))

    contact = adapter.find_contact_by_email(" Ada@Example.com ")

    assert contact == Contact(
        system="hubspot",
        contact_id="151",
        email="ada@example.com",
        name="Ada Lovelace",
        tier="gold",
        owner="77",
    )
    [search] = vendor.calls("POST", "/crm/v3/objects/contacts/search")
    assert search.headers["authorization"] == "Bearer pat-na1-secret"
    assert search.json() == {
        "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "ada@example.com"}]}],
        "properties": ["email", "firstname", "lastname", "hubspot_owner_id", "tier"],
        "limit": 1,
    }


def test_no_contact_is_none(vendor: VendorServer, adapter: HubSpotCrmAdapter) -> None:
    vendor.on("POST", "/crm/v3/objects/contacts/search", Reply(200, {"total": 0, "results": []}))

    assert adapter.find_contact_by_email("nobody@example.com") is None


def test_open_case_reads_by_unique_key_then_upserts_and_associates(
    vendor: VendorServer, adapter: HubSpotCrmAdapter
) -> None:
    ref = adapter.open_case(_case())

    key = external_key("evt-1>route")
    assert ref.created is True
    assert ref.url == f"https://app.hubspot.com/contacts/4242/record/0-5/{ref.case_id}"
    [read] = vendor.calls("GET", OBJECT)
    assert read.path == f"/crm/v3/objects/tickets/{key}"
    assert read.query["idProperty"] == ["talkworthy_key"]
    [upsert] = vendor.calls("POST", UPSERT)
    [item] = upsert.json()["inputs"]
    assert item["id"] == key
    assert item["idProperty"] == "talkworthy_key"
    assert item["properties"]["subject"] == "Order 1234 never arrived"
    assert item["properties"]["hs_ticket_priority"] == "HIGH"
    assert (item["properties"]["hs_pipeline"], item["properties"]["hs_pipeline_stage"]) == ("0", "1")
    assert "https://x.com/ada/status/1" in item["properties"]["content"]
    [associate] = vendor.calls("PUT", ASSOCIATE)
    assert associate.path == f"/crm/v4/objects/tickets/{ref.case_id}/associations/default/contacts/151"


def test_a_redelivered_case_returns_the_first_ticket_without_writing_it(
    vendor: VendorServer, adapter: HubSpotCrmAdapter
) -> None:
    first = adapter.open_case(_case())
    second = adapter.open_case(_case())

    assert (second.case_id, second.created) == (first.case_id, False)
    assert len(vendor.calls("POST", UPSERT)) == 1
    assert len(vendor.calls("PUT", ASSOCIATE)) == 2  # idempotent, so a half-done first try is repaired


def test_an_upsert_that_found_the_ticket_reports_not_created(vendor: VendorServer, adapter: HubSpotCrmAdapter) -> None:
    raced = _object("900", {"talkworthy_key": external_key("evt-1>route")}, new=False)
    vendor.on("GET", OBJECT, Reply(404, NOT_FOUND))
    vendor.on("POST", UPSERT, Reply(200, {"status": "COMPLETE", "results": [raced]}))

    ref = adapter.open_case(_case())

    assert (ref.case_id, ref.created) == ("900", False)


def test_429_waits_retry_after_then_succeeds(
    vendor: VendorServer, adapter: HubSpotCrmAdapter, sleeps: list[float]
) -> None:
    limited = {
        "status": "error",
        "message": "You have reached your secondly limit.",
        "category": "RATE_LIMITS",
    }
    vendor.on(
        "POST",
        "/crm/v3/objects/contacts/search",
        Reply(429, limited, {"Retry-After": "1"}),
        Reply(200, {"total": 0, "results": []}),
    )

    assert adapter.find_contact_by_email("ada@example.com") is None
    assert sleeps == [1.0]
    assert len(vendor.calls("POST", "/crm/v3/objects/contacts/search")) == 2


def test_persistent_5xx_is_retryable(vendor: VendorServer, adapter: HubSpotCrmAdapter) -> None:
    vendor.on("POST", UPSERT, Reply(502, {"status": "error", "message": "Bad Gateway"}))

    with pytest.raises(RetryableError):
        adapter.open_case(_case())

    assert len(vendor.calls("POST", UPSERT)) == 3


def test_a_validation_error_is_permanent(vendor: VendorServer, adapter: HubSpotCrmAdapter) -> None:
    invalid = {"status": "error", "message": "Property values were not valid", "category": "VALIDATION_ERROR"}
    vendor.on("POST", UPSERT, Reply(400, invalid))

    with pytest.raises(PermanentError, match="VALIDATION_ERROR"):
        adapter.open_case(_case())


def _lead(**changes: object) -> LeadRequest:
    fields: dict[str, object] = {
        "idempotency_key": "evt-9>lead",
        "email": "Grace@Example.com",
        "name": "Grace Hopper",
        "handle": "@grace",
        "platform": "linkedin",
        "note": "Asked for enterprise pricing",
    }
    return LeadRequest.model_validate({**fields, **changes})


def test_flag_lead_creates_a_lead_contact_once(vendor: VendorServer, adapter: HubSpotCrmAdapter) -> None:
    first = adapter.flag_lead(_lead())
    second = adapter.flag_lead(_lead())

    assert (first.created, second.created) == (True, False)
    assert first.lead_id == second.lead_id
    [upsert] = vendor.calls("POST", UPSERT)
    assert upsert.path == "/crm/v3/objects/contacts/batch/upsert"
    assert upsert.json() == {
        "inputs": [
            {
                "id": "grace@example.com",
                "idProperty": "email",
                "properties": {
                    "hs_lead_status": "NEW",
                    "talkworthy_lead_key": external_key("evt-9>lead"),
                    "lifecyclestage": "lead",
                    "firstname": "Grace",
                    "lastname": "Hopper",
                },
            }
        ]
    }


def test_flagging_a_known_contact_leaves_its_name_and_lifecycle_alone(
    vendor: VendorServer, adapter: HubSpotCrmAdapter, hubspot: FakeHubSpot
) -> None:
    hubspot.objects[("contacts", "email", "grace@example.com")] = _object("151", {"lifecyclestage": "customer"})

    ref = adapter.flag_lead(_lead())

    assert (ref.lead_id, ref.created) == ("151", True)
    [upsert] = vendor.calls("POST", UPSERT)
    assert upsert.json()["inputs"][0]["properties"] == {
        "hs_lead_status": "NEW",
        "talkworthy_lead_key": external_key("evt-9>lead"),
    }


def test_a_lead_without_email_is_keyed_by_its_handle(vendor: VendorServer, adapter: HubSpotCrmAdapter) -> None:
    adapter.flag_lead(_lead(email=None, handle="@Grace", platform="twitter"))

    [read] = vendor.calls("GET", OBJECT)
    assert read.path == "/crm/v3/objects/contacts/twitter%3A%40grace"
    assert read.query["idProperty"] == ["talkworthy_handle"]
    [item] = vendor.calls("POST", UPSERT)[0].json()["inputs"]
    assert (item["id"], item["idProperty"]) == ("twitter:@grace", "talkworthy_handle")


def test_a_lead_with_neither_email_nor_handle_is_invalid(adapter: HubSpotCrmAdapter) -> None:
    with pytest.raises(InvalidInputError):
        adapter.flag_lead(_lead(email=None, handle=None))


def test_open_cases_for_an_email_resolves_the_contact_then_searches_open_tickets(
    vendor: VendorServer, adapter: HubSpotCrmAdapter
) -> None:
    contact = _object("151", {"email": "ada@example.com"})
    vendor.on("POST", "/crm/v3/objects/contacts/search", Reply(200, {"total": 1, "results": [contact]}))
    tickets = [_object("512", {"subject": "late"}), _object("513", {"subject": "broken"})]
    vendor.on("POST", "/crm/v3/objects/tickets/search", Reply(200, {"total": 2, "results": tickets}))

    refs = adapter.open_cases_for(None, "ada@example.com")

    assert [r.case_id for r in refs] == ["512", "513"]
    [search] = vendor.calls("POST", "/crm/v3/objects/tickets/search")
    assert search.json()["filterGroups"] == [
        {
            "filters": [
                {"propertyName": "associations.contact", "operator": "EQ", "value": "151"},
                {"propertyName": "closed_date", "operator": "NOT_HAS_PROPERTY"},
            ]
        }
    ]


def test_open_cases_for_an_unknown_email_is_empty(vendor: VendorServer, adapter: HubSpotCrmAdapter) -> None:
    vendor.on("POST", "/crm/v3/objects/contacts/search", Reply(200, {"total": 0, "results": []}))

    assert adapter.open_cases_for(None, "nobody@example.com") == []
    assert vendor.calls("POST", "/crm/v3/objects/tickets/search") == []
