"""What people do from Slack (claim, escalate, dismiss) as SalesforceCrmAdapter sends it.

Shapes (REST API Developer Guide, "Update a Record"): ``PATCH /sobjects/{Case|Lead}/{Id}`` with the
fields to set answers 204 No Content, 404 ``[{"errorCode": "NOT_FOUND"}]`` for an unknown id;
``GET /sobjects/Case/{Id}?fields=IsClosed`` answers the record with those fields.
"""

from __future__ import annotations

from typing import Any

import pytest

from talkworthy.crm.port import RecordNotFoundError
from talkworthy.crm.salesforce import SalesforceCrmAdapter
from talkworthy.errors import PermanentError, RetryableError
from talkworthy.http import HttpClient
from tests.unit.crm.test_salesforce import API, FakeSalesforce
from tests.unit.crm.vendor_server import Recorded, Reply, VendorServer

RECORD = rf"{API}/sobjects/(Case|Lead)/[^/]+"
NOT_FOUND = [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]


class Records:
    """Cases and leads by id: PATCH sets fields (204), GET reads them; unknown ids are 404."""

    def __init__(self, vendor: VendorServer, **rows: dict[str, Any]) -> None:
        self.rows = rows
        vendor.on("PATCH", RECORD, self.update)
        vendor.on("GET", RECORD, self.read)

    def update(self, request: Recorded) -> Reply:
        row = self.rows.get(request.path.rsplit("/", 1)[-1])
        if row is None:
            return Reply(404, NOT_FOUND)
        row.update(request.json())
        if row.get("Status") == "Closed":
            row["IsClosed"] = True
        return Reply(204)

    def read(self, request: Recorded) -> Reply:
        record_id = request.path.rsplit("/", 1)[-1]
        row = self.rows.get(record_id)
        if row is None:
            return Reply(404, NOT_FOUND)
        fields = request.param("fields").split(",")
        return Reply(200, {"attributes": {"type": "Case"}, "Id": record_id, **{f: row.get(f) for f in fields}})


@pytest.fixture
def adapter(vendor: VendorServer, http: HttpClient) -> SalesforceCrmAdapter:
    FakeSalesforce(vendor)
    return SalesforceCrmAdapter(vendor.url, "client-id", "client-secret", http=http)


def test_claiming_a_case_and_a_lead_patches_their_owner(vendor: VendorServer, adapter: SalesforceCrmAdapter) -> None:
    records = Records(vendor, **{"5005e00000CASE1": {}, "00Q5e00000LEAD1": {}})

    adapter.assign_owner("case", "5005e00000CASE1", "0055e000000Agnt")
    adapter.assign_owner("lead", "00Q5e00000LEAD1", "0055e000000Sale")

    case, lead = vendor.calls("PATCH", RECORD)
    assert case.path == f"{API}/sobjects/Case/5005e00000CASE1"
    assert case.json() == {"OwnerId": "0055e000000Agnt"}
    assert case.headers["authorization"] == "Bearer 00DTOKEN!1"
    assert case.headers["content-type"] == "application/json"
    assert lead.path == f"{API}/sobjects/Lead/00Q5e00000LEAD1"
    assert lead.json() == {"OwnerId": "0055e000000Sale"}
    assert records.rows["5005e00000CASE1"]["OwnerId"] == "0055e000000Agnt"


def test_escalating_sets_the_salesforce_priority(vendor: VendorServer, adapter: SalesforceCrmAdapter) -> None:
    Records(vendor, **{"5005e00000CASE1": {}})

    adapter.set_priority("5005e00000CASE1", "urgent")
    adapter.set_priority("5005e00000CASE1", "low")

    assert [c.json() for c in vendor.calls("PATCH", RECORD)] == [{"Priority": "High"}, {"Priority": "Low"}]


def test_dismissing_a_case_closes_it_with_an_internal_comment_once(
    vendor: VendorServer, adapter: SalesforceCrmAdapter
) -> None:
    records = Records(vendor, **{"5005e00000CASE1": {"IsClosed": False}})

    adapter.dismiss("case", "5005e00000CASE1", "not actionable (dismissed by Ada)")
    adapter.dismiss("case", "5005e00000CASE1", "not actionable (dismissed by Ada)")  # a redelivery

    [patch] = vendor.calls("PATCH", RECORD)
    assert patch.json() == {"Status": "Closed", "Comments": "Dismissed: not actionable (dismissed by Ada)"}
    reads = vendor.calls("GET", RECORD)
    assert [r.param("fields") for r in reads] == ["IsClosed", "IsClosed"]
    assert records.rows["5005e00000CASE1"]["IsClosed"] is True


def test_dismissing_a_lead_marks_it_not_converted(vendor: VendorServer, adapter: SalesforceCrmAdapter) -> None:
    Records(vendor, **{"00Q5e00000LEAD1": {}})

    adapter.dismiss("lead", "00Q5e00000LEAD1", "not actionable")
    adapter.dismiss("lead", "00Q5e00000LEAD1", "not actionable")

    assert [c.json() for c in vendor.calls("PATCH", RECORD)] == [{"Status": "Closed - Not Converted"}] * 2


def test_an_unknown_record_is_record_not_found(vendor: VendorServer, adapter: SalesforceCrmAdapter) -> None:
    Records(vendor)

    with pytest.raises(RecordNotFoundError, match="no Salesforce Case 500MISSING"):
        adapter.assign_owner("case", "500MISSING", "0055e000000Agnt")
    with pytest.raises(RecordNotFoundError, match="no Salesforce Lead 00QMISSING"):
        adapter.dismiss("lead", "00QMISSING", "not actionable")
    with pytest.raises(RecordNotFoundError, match="no Salesforce Case 500MISSING"):
        adapter.dismiss("case", "500MISSING", "not actionable")
    assert len(vendor.calls("PATCH", RECORD)) == 2  # the case dismissal stopped at the read


def test_throttling_and_outages_are_retryable(
    vendor: VendorServer, adapter: SalesforceCrmAdapter, sleeps: list[float]
) -> None:
    limit = [{"message": "limit", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    vendor.on("PATCH", RECORD, Reply(429, limit, {"Retry-After": "2"}), Reply(204))
    adapter.set_priority("5005e00000CASE1", "high")
    assert sleeps == [2.0]

    vendor.on("PATCH", RECORD, Reply(503, [{"message": "unavailable", "errorCode": "SERVER_UNAVAILABLE"}]))
    with pytest.raises(RetryableError):
        adapter.assign_owner("case", "5005e00000CASE1", "0055e000000Agnt")
    assert len(vendor.calls("PATCH", RECORD)) == 2 + 3


def test_a_refused_update_is_permanent(vendor: VendorServer, adapter: SalesforceCrmAdapter) -> None:
    bad_owner = [{"message": "Owner ID: id value of incorrect type", "errorCode": "FIELD_INTEGRITY_EXCEPTION"}]
    vendor.on("PATCH", RECORD, Reply(400, bad_owner))

    with pytest.raises(PermanentError, match="FIELD_INTEGRITY_EXCEPTION"):
        adapter.assign_owner("case", "5005e00000CASE1", "ada")
    assert len(vendor.calls("PATCH", RECORD)) == 1
