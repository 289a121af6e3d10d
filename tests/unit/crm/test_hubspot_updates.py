"""What people do from Slack (claim, escalate, dismiss) as HubSpotCrmAdapter sends it.

Shapes (CRM API v3, "Update a ticket" / "Update a contact"): ``PATCH /crm/v3/objects/{tickets|
contacts}/{id}`` with ``{"properties": {...}}`` answers 200 with the object, 404 ``{"status":
"error", "category": "OBJECT_NOT_FOUND"}`` for an unknown id, 400 ``VALIDATION_ERROR`` for a value
the property does not accept.
"""

from __future__ import annotations

from typing import Any

import pytest

from talkworthy.crm.hubspot import HubSpotCrmAdapter
from talkworthy.crm.port import RecordNotFoundError
from talkworthy.errors import PermanentError, RetryableError
from talkworthy.http import HttpClient
from tests.unit.crm.test_hubspot import NOT_FOUND, _object
from tests.unit.crm.vendor_server import Recorded, Reply, VendorServer

OBJECT = r"/crm/v3/objects/(tickets|contacts)/\d+"


class Objects:
    """Tickets and contacts by id; PATCH merges the properties and answers the object."""

    def __init__(self, vendor: VendorServer, *ids: str) -> None:
        self.properties: dict[str, dict[str, Any]] = {i: {} for i in ids}
        vendor.on("PATCH", OBJECT, self.update)

    def update(self, request: Recorded) -> Reply:
        object_id = request.path.rsplit("/", 1)[-1]
        if object_id not in self.properties:
            return Reply(404, NOT_FOUND)
        self.properties[object_id].update(request.json()["properties"])
        return Reply(200, _object(object_id, self.properties[object_id]))


@pytest.fixture
def adapter(http: HttpClient, vendor: VendorServer) -> HubSpotCrmAdapter:
    return HubSpotCrmAdapter("pat-na1-secret", http=http, base_url=vendor.url, closed_stage="4")


def test_claiming_sets_the_hubspot_owner_of_the_ticket_or_lead_contact(
    vendor: VendorServer, adapter: HubSpotCrmAdapter
) -> None:
    objects = Objects(vendor, "512", "151")

    adapter.assign_owner("case", "512", "77001")
    adapter.assign_owner("lead", "151", "77002")

    ticket, contact = vendor.calls("PATCH", OBJECT)
    assert ticket.path == "/crm/v3/objects/tickets/512"
    assert ticket.json() == {"properties": {"hubspot_owner_id": "77001"}}
    assert ticket.headers["authorization"] == "Bearer pat-na1-secret"
    assert contact.path == "/crm/v3/objects/contacts/151"
    assert contact.json() == {"properties": {"hubspot_owner_id": "77002"}}
    assert objects.properties == {"512": {"hubspot_owner_id": "77001"}, "151": {"hubspot_owner_id": "77002"}}


def test_escalating_sets_the_ticket_priority(vendor: VendorServer, adapter: HubSpotCrmAdapter) -> None:
    Objects(vendor, "512")

    adapter.set_priority("512", "urgent")
    adapter.set_priority("512", "urgent")

    assert [c.json() for c in vendor.calls("PATCH", OBJECT)] == [{"properties": {"hs_ticket_priority": "URGENT"}}] * 2


def test_dismissing_closes_the_ticket_and_disqualifies_the_lead(
    vendor: VendorServer, adapter: HubSpotCrmAdapter
) -> None:
    """Only documented default properties: the reason is not sent to hs_resolution (an enumeration)."""
    objects = Objects(vendor, "512", "151")

    adapter.dismiss("case", "512", "not actionable (dismissed by Ada)")
    adapter.dismiss("case", "512", "not actionable (dismissed by Ada)")
    adapter.dismiss("lead", "151", "not actionable")

    bodies = [c.json() for c in vendor.calls("PATCH", OBJECT)]
    assert bodies == [
        {"properties": {"hs_pipeline_stage": "4"}},
        {"properties": {"hs_pipeline_stage": "4"}},
        {"properties": {"hs_lead_status": "UNQUALIFIED"}},
    ]
    assert objects.properties["512"] == {"hs_pipeline_stage": "4"}


def test_an_unknown_object_is_record_not_found(vendor: VendorServer, adapter: HubSpotCrmAdapter) -> None:
    Objects(vendor)

    with pytest.raises(RecordNotFoundError, match="no HubSpot ticket 999"):
        adapter.set_priority("999", "high")
    with pytest.raises(RecordNotFoundError, match="no HubSpot contact 998"):
        adapter.dismiss("lead", "998", "not actionable")


def test_throttling_is_retried_and_outages_are_retryable(
    vendor: VendorServer, adapter: HubSpotCrmAdapter, sleeps: list[float]
) -> None:
    limit = {"status": "error", "message": "You have reached your secondly limit.", "category": "RATE_LIMITS"}
    vendor.on("PATCH", OBJECT, Reply(429, limit, {"Retry-After": "1"}), Reply(200, _object("512", {})))
    adapter.assign_owner("case", "512", "77001")
    assert sleeps == [1.0]

    vendor.on("PATCH", OBJECT, Reply(502, {"status": "error", "message": "Bad Gateway"}))
    with pytest.raises(RetryableError):
        adapter.assign_owner("case", "512", "77001")


def test_a_value_hubspot_refuses_is_permanent(vendor: VendorServer, adapter: HubSpotCrmAdapter) -> None:
    invalid = {"status": "error", "message": "Property values were not valid", "category": "VALIDATION_ERROR"}
    vendor.on("PATCH", OBJECT, Reply(400, invalid))

    with pytest.raises(PermanentError, match="VALIDATION_ERROR"):
        adapter.assign_owner("case", "512", "not-an-owner")
    assert len(vendor.calls("PATCH", OBJECT)) == 1
