"""SalesforceCrmAdapter against a local server speaking the documented REST shapes.

Shapes: OAuth token response (access_token, instance_url, token_type...), query response
``{"totalSize", "done", "records": [{"attributes": {...}, "Id": ...}]}``, upsert by external ID
(201 ``{"id", "success", "errors": [], "created": true}``, 200 with ``created: false``), errors as
``[{"message", "errorCode"}]``.
"""

from __future__ import annotations

from itertools import count
from urllib.parse import unquote

import pytest

from talkworthy.crm.port import CaseRequest, Contact, LeadRequest, external_key
from talkworthy.crm.salesforce import SalesforceCrmAdapter, soql_quote
from talkworthy.errors import PermanentError, RetryableError
from talkworthy.http import HttpClient
from tests.unit.crm.vendor_server import Recorded, Reply, VendorServer

API = "/services/data/v62.0"
BY_KEY = rf"{API}/sobjects/(Case|Lead)/Talkworthy_Key__c/[^/]+"


class FakeSalesforce:
    """Token endpoint plus sObject rows by external ID, with the upsert semantics of the docs."""

    def __init__(self, vendor: VendorServer, expired: tuple[str, ...] = ()) -> None:
        self.vendor = vendor
        self.rows: dict[tuple[str, str], str] = {}
        self.expired = set(expired)
        self._tokens = count(1)
        self._ids = count(1)
        vendor.on("POST", "/services/oauth2/token", self.token)
        vendor.on("GET", BY_KEY, self.get_by_key)
        vendor.on("PATCH", BY_KEY, self.upsert)

    def token(self, request: Recorded) -> Reply:
        return Reply(
            200,
            {
                "access_token": f"00DTOKEN!{next(self._tokens)}",
                "signature": "sig",
                "scope": "api",
                "instance_url": self.vendor.url,
                "id": f"{self.vendor.url}/id/00D000000000001/005000000000001",
                "token_type": "Bearer",
                "issued_at": "1700000000000",
            },
        )

    def _authorised(self, request: Recorded) -> bool:
        return request.headers.get("authorization", "").removeprefix("Bearer ") not in self.expired

    def get_by_key(self, request: Recorded) -> Reply:
        if not self._authorised(request):
            return Reply(401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
        sobject, _, key = request.path.split("/")[-3:]
        record_id = self.rows.get((sobject, unquote(key)))
        if record_id is None:
            return Reply(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
        return Reply(
            200,
            {
                "attributes": {"type": sobject, "url": f"{API}/sobjects/{sobject}/{record_id}"},
                "Id": record_id,
            },
        )

    def upsert(self, request: Recorded) -> Reply:
        if not self._authorised(request):
            return Reply(401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
        sobject, _, key = request.path.split("/")[-3:]
        existing = self.rows.get((sobject, unquote(key)))
        if existing:
            return Reply(200, {"id": existing, "success": True, "errors": [], "created": False})
        prefix = "500" if sobject == "Case" else "00Q"
        record_id = f"{prefix}5e00000{next(self._ids):08d}"
        self.rows[(sobject, unquote(key))] = record_id
        return Reply(201, {"id": record_id, "success": True, "errors": [], "created": True})


@pytest.fixture
def salesforce(vendor: VendorServer) -> FakeSalesforce:
    return FakeSalesforce(vendor)


@pytest.fixture
def adapter(vendor: VendorServer, http: HttpClient, salesforce: FakeSalesforce) -> SalesforceCrmAdapter:
    return SalesforceCrmAdapter(vendor.url, "client-id", "client-secret", http=http, tier_field="Tier__c")


def _case(key: str = "evt-1>route", **changes: object) -> CaseRequest:
    fields: dict[str, object] = {
        "idempotency_key": key,
        "subject": "Order 1234 never arrived",
        "description": "@ada: my parcel is two weeks late",
        "contact": Contact(system="salesforce", contact_id="0035e000001AbcD", email="ada@example.com"),
        "requester_email": "ada@example.com",
        "priority": "urgent",
        "origin_channel": "twitter",
        "origin_url": "https://x.com/ada/status/1",
        "tags": ("complaint", "vip"),
    }
    return CaseRequest.model_validate({**fields, **changes})


def test_contact_lookup_authenticates_escapes_the_email_and_maps_the_record(
    vendor: VendorServer, adapter: SalesforceCrmAdapter
) -> None:
    record = {
        "attributes": {"type": "Contact", "url": f"{API}/sobjects/Contact/0035e000001AbcD"},
        "Id": "0035e000001AbcD",
        "Name": "Ada O'Brien",
        "Email": "o'brien@example.com",
        "OwnerId": "0055e000000Own1",
        "Tier__c": "gold",
    }
    vendor.on("GET", f"{API}/query", Reply(200, {"totalSize": 1, "done": True, "records": [record]}))

    contact = adapter.find_contact_by_email("o'brien@example.com")
    adapter.find_contact_by_email("o'brien@example.com")

    assert contact == Contact(
        system="salesforce",
        contact_id="0035e000001AbcD",
        email="o'brien@example.com",
        name="Ada O'Brien",
        tier="gold",
        owner="0055e000000Own1",
    )
    [token_call] = vendor.calls("POST", "/services/oauth2/token")  # cached for the second query
    assert token_call.form() == {
        "grant_type": ["client_credentials"],
        "client_id": ["client-id"],
        "client_secret": ["client-secret"],
    }
    query = vendor.calls("GET", f"{API}/query")[0]
    assert query.param("q") == (
        "SELECT Id, Name, Email, OwnerId, Tier__c FROM Contact WHERE Email = 'o\\'brien@example.com' "
        "ORDER BY LastModifiedDate DESC LIMIT 1"
    )
    assert query.headers["authorization"] == "Bearer 00DTOKEN!1"


def test_no_matching_contact_is_none(vendor: VendorServer, adapter: SalesforceCrmAdapter) -> None:
    vendor.on("GET", f"{API}/query", Reply(200, {"totalSize": 0, "done": True, "records": []}))

    assert adapter.find_contact_by_email("nobody@example.com") is None


def test_soql_quote_escapes_every_reserved_character() -> None:
    assert soql_quote("a'b\\c\"d\ne") == "'a\\'b\\\\c\\\"d\\ne'"
    assert soql_quote("x' OR Name != '") == "'x\\' OR Name != \\''"


def test_open_case_upserts_on_the_external_key(
    vendor: VendorServer, adapter: SalesforceCrmAdapter, salesforce: FakeSalesforce
) -> None:
    ref = adapter.open_case(_case())

    key = external_key("evt-1>route")
    assert ref.created is True
    assert ref.case_id == salesforce.rows[("Case", key)]
    assert ref.url == f"{vendor.url}/lightning/r/Case/{ref.case_id}/view"
    [upsert] = vendor.calls("PATCH", BY_KEY)
    assert upsert.path == f"{API}/sobjects/Case/Talkworthy_Key__c/{key}"
    body = upsert.json()
    assert body["Subject"] == "Order 1234 never arrived"
    assert body["Priority"] == "High"
    assert body["ContactId"] == "0035e000001AbcD"
    assert body["SuppliedEmail"] == "ada@example.com"
    assert body["Origin"] == "Web"
    assert "https://x.com/ada/status/1" in body["Description"]
    assert upsert.headers["content-type"] == "application/json"


def test_a_redelivered_case_returns_the_first_one_and_writes_nothing(
    vendor: VendorServer, adapter: SalesforceCrmAdapter
) -> None:
    first = adapter.open_case(_case())
    second = adapter.open_case(_case())

    assert second.case_id == first.case_id
    assert second.created is False
    assert len(vendor.calls("PATCH", BY_KEY)) == 1


def test_an_upsert_that_updated_reports_not_created(
    vendor: VendorServer, adapter: SalesforceCrmAdapter, salesforce: FakeSalesforce
) -> None:
    """A racing delivery created the case between our read and our upsert: 200, created false."""
    vendor.on("GET", BY_KEY, Reply(404, [{"errorCode": "NOT_FOUND", "message": "gone"}]))
    salesforce.rows[("Case", external_key("evt-1>route"))] = "5005e00000RACED"

    ref = adapter.open_case(_case())

    assert (ref.case_id, ref.created) == ("5005e00000RACED", False)


def test_an_expired_token_is_refreshed_once(vendor: VendorServer, http: HttpClient) -> None:
    FakeSalesforce(vendor, expired=("00DTOKEN!1",))
    adapter = SalesforceCrmAdapter(vendor.url, "client-id", "client-secret", http=http)

    ref = adapter.open_case(_case())

    assert ref.created is True
    assert len(vendor.calls("POST", "/services/oauth2/token")) == 2
    assert vendor.calls("PATCH", BY_KEY)[0].headers["authorization"] == "Bearer 00DTOKEN!2"


def test_429_on_a_query_waits_retry_after_then_succeeds(
    vendor: VendorServer, adapter: SalesforceCrmAdapter, sleeps: list[float]
) -> None:
    vendor.on(
        "GET",
        f"{API}/query",
        Reply(429, [{"message": "limit", "errorCode": "REQUEST_LIMIT_EXCEEDED"}], {"Retry-After": "3"}),
        Reply(200, {"totalSize": 0, "done": True, "records": []}),
    )

    assert adapter.find_contact_by_email("ada@example.com") is None
    assert len(vendor.calls("GET", f"{API}/query")) == 2
    assert sleeps == [3.0]


def test_persistent_5xx_is_retryable(vendor: VendorServer, adapter: SalesforceCrmAdapter) -> None:
    vendor.on("PATCH", BY_KEY, Reply(503, [{"message": "unavailable", "errorCode": "SERVER_UNAVAILABLE"}]))

    with pytest.raises(RetryableError):
        adapter.open_case(_case())

    assert len(vendor.calls("PATCH", BY_KEY)) == 3


def test_a_bad_request_is_permanent(vendor: VendorServer, adapter: SalesforceCrmAdapter) -> None:
    vendor.on("GET", f"{API}/query", Reply(400, [{"message": "unexpected token", "errorCode": "MALFORMED_QUERY"}]))

    with pytest.raises(PermanentError, match="MALFORMED_QUERY"):
        adapter.find_contact_by_email("ada@example.com")


def test_rejected_client_credentials_are_permanent(vendor: VendorServer, http: HttpClient) -> None:
    vendor.on("POST", "/services/oauth2/token", Reply(400, {"error": "invalid_client", "error_description": "x"}))
    adapter = SalesforceCrmAdapter(vendor.url, "client-id", "wrong", http=http)

    with pytest.raises(PermanentError, match="invalid_client"):
        adapter.find_contact_by_email("ada@example.com")


def test_flag_lead_upserts_a_lead_once(vendor: VendorServer, adapter: SalesforceCrmAdapter) -> None:
    req = LeadRequest(
        idempotency_key="evt-9>lead",
        email="grace@example.com",
        name="Grace Hopper",
        handle="@grace",
        platform="linkedin",
        note="Asked for enterprise pricing",
        source_url="https://linkedin.com/p/1",
    )

    first = adapter.flag_lead(req)
    second = adapter.flag_lead(req)

    assert (first.created, second.created) == (True, False)
    assert first.lead_id == second.lead_id
    [upsert] = vendor.calls("PATCH", BY_KEY)
    assert upsert.path == f"{API}/sobjects/Lead/Talkworthy_Key__c/{external_key('evt-9>lead')}"
    assert upsert.json() == {
        "LastName": "Grace Hopper",
        "Company": "@grace (linkedin)",
        "LeadSource": "Web",
        "Description": "Asked for enterprise pricing\nSource: https://linkedin.com/p/1",
        "Email": "grace@example.com",
    }


def test_open_cases_for_queries_open_cases_of_the_contact_or_email(
    vendor: VendorServer, adapter: SalesforceCrmAdapter
) -> None:
    rows = [{"attributes": {"type": "Case", "url": f"{API}/sobjects/Case/500A"}, "Id": "500A"}]
    vendor.on("GET", f"{API}/query", Reply(200, {"totalSize": 1, "done": True, "records": rows}))

    refs = adapter.open_cases_for("0035e000001AbcD", "Ada@Example.com")

    assert [r.case_id for r in refs] == ["500A"]
    assert vendor.calls("GET", f"{API}/query")[0].param("q") == (
        "SELECT Id FROM Case WHERE IsClosed = false AND (ContactId = '0035e000001AbcD' OR "
        "SuppliedEmail = 'Ada@Example.com' OR Contact.Email = 'Ada@Example.com') ORDER BY CreatedDate"
    )


def test_open_cases_for_nobody_asks_nothing(vendor: VendorServer, adapter: SalesforceCrmAdapter) -> None:
    assert adapter.open_cases_for(None, None) == []
    assert vendor.requests == []
