"""What people do from Slack (claim, escalate, dismiss) as ZendeskCrmAdapter sends it.

Shapes (Ticketing API, "Update Ticket" / "Show Ticket"): ``PUT /api/v2/tickets/{id}`` with
``{"ticket": {...}}`` answers 200 ``{"ticket": {...}}``; ``GET`` the same path shows the ticket;
an unknown id is 404 ``{"error": "RecordNotFound"}``; updating a closed ticket is 422.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from talkworthy.crm.port import RecordNotFoundError
from talkworthy.crm.zendesk import ZendeskCrmAdapter
from talkworthy.errors import PermanentError, RetryableError
from talkworthy.http import HttpClient
from tests.unit.crm.vendor_server import Recorded, Reply, VendorServer

TICKET = r"/api/v2/tickets/\d+"
NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}


class Tickets:
    """Tickets by id with Zendesk's update rules: closed tickets refuse changes, tags are added."""

    def __init__(self, vendor: VendorServer, **statuses: str) -> None:
        self.tickets: dict[str, dict[str, Any]] = {
            i: {"id": int(i), "status": s, "tags": [], "comments": []} for i, s in statuses.items()
        }
        vendor.on("GET", TICKET, self.show)
        vendor.on("PUT", TICKET, self.update)

    def show(self, request: Recorded) -> Reply:
        ticket = self.tickets.get(request.path.rsplit("/", 1)[-1])
        return Reply(200, {"ticket": ticket}) if ticket else Reply(404, NOT_FOUND)

    def update(self, request: Recorded) -> Reply:
        ticket = self.tickets.get(request.path.rsplit("/", 1)[-1])
        if ticket is None:
            return Reply(404, NOT_FOUND)
        if ticket["status"] == "closed":
            return Reply(422, {"error": "RecordInvalid", "description": "Status: closed prevents ticket update"})
        changes = dict(request.json()["ticket"])
        ticket["tags"] += changes.pop("additional_tags", [])
        if "comment" in changes:
            ticket["comments"].append(changes.pop("comment"))
        ticket.update(changes)
        return Reply(200, {"ticket": ticket})


@pytest.fixture
def adapter(vendor: VendorServer, http: HttpClient) -> ZendeskCrmAdapter:
    return ZendeskCrmAdapter(vendor.url, "agent@example.com", "abc123", http=http)


def test_claiming_assigns_the_ticket_to_the_agent(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    tickets = Tickets(vendor, **{"35436": "new"})

    adapter.assign_owner("case", "35436", "900001")
    adapter.assign_owner("case", "35436", "900001")

    first, second = vendor.calls("PUT", TICKET)
    assert first.path == "/api/v2/tickets/35436"
    assert first.json() == second.json() == {"ticket": {"assignee_id": 900001}}
    expected = base64.b64encode(b"agent@example.com/token:abc123").decode()
    assert first.headers["authorization"] == f"Basic {expected}"
    assert tickets.tickets["35436"]["assignee_id"] == 900001


def test_escalating_sets_the_zendesk_priority(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    tickets = Tickets(vendor, **{"35436": "open"})

    adapter.set_priority("35436", "urgent")

    assert [c.json() for c in vendor.calls("PUT", TICKET)] == [{"ticket": {"priority": "urgent"}}]
    assert tickets.tickets["35436"]["priority"] == "urgent"


def test_dismissing_solves_with_a_private_note_once(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    tickets = Tickets(vendor, **{"35436": "open"})

    adapter.dismiss("case", "35436", "not actionable (dismissed by Ada)")
    adapter.dismiss("case", "35436", "not actionable (dismissed by Ada)")  # a redelivery

    [put] = vendor.calls("PUT", TICKET)
    assert put.json() == {
        "ticket": {
            "status": "solved",
            "comment": {"body": "Dismissed from Talkworthy: not actionable (dismissed by Ada)", "public": False},
            "additional_tags": ["not_actionable"],
        }
    }
    ticket = tickets.tickets["35436"]
    assert (ticket["status"], ticket["tags"], len(ticket["comments"])) == ("solved", ["not_actionable"], 1)


def test_dismissing_a_closed_ticket_changes_nothing(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    Tickets(vendor, **{"35436": "closed"})

    adapter.dismiss("lead", "35436", "not actionable")

    assert vendor.calls("PUT", TICKET) == []


def test_an_unknown_ticket_is_record_not_found(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    Tickets(vendor)

    with pytest.raises(RecordNotFoundError, match="no Zendesk ticket 404404"):
        adapter.assign_owner("case", "404404", "900001")
    with pytest.raises(RecordNotFoundError, match="no Zendesk ticket 404404"):
        adapter.dismiss("case", "404404", "not actionable")


def test_throttling_is_retried_and_outages_are_retryable(
    vendor: VendorServer, adapter: ZendeskCrmAdapter, sleeps: list[float]
) -> None:
    vendor.on("PUT", TICKET, Reply(429, {"error": "TooManyRequests"}, {"Retry-After": "5"}), Reply(200, {"ticket": {}}))
    adapter.set_priority("35436", "high")
    assert sleeps == [5.0]

    vendor.on("PUT", TICKET, Reply(500, {"error": "InternalError"}))
    with pytest.raises(RetryableError):
        adapter.set_priority("35436", "high")
    assert len(vendor.calls("PUT", TICKET)) == 2 + 3


def test_an_update_zendesk_refuses_is_permanent(vendor: VendorServer, adapter: ZendeskCrmAdapter) -> None:
    Tickets(vendor, **{"35436": "closed"})

    with pytest.raises(PermanentError, match="closed prevents ticket update"):
        adapter.assign_owner("case", "35436", "900001")
    assert len(vendor.calls("PUT", TICKET)) == 1
