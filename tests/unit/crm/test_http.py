from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from talkworthy.errors import PermanentError, RetryableError
from talkworthy.http import HttpClient, RetryPolicy
from tests.unit.crm.vendor_server import Reply, VendorServer


def test_success_is_returned_with_the_default_user_agent(vendor: VendorServer, http: HttpClient) -> None:
    vendor.on("GET", "/ping", Reply(200, {"ok": True}))

    response = http.request("GET", f"{vendor.url}/ping", params={"a": "b"})

    assert response.json() == {"ok": True}
    [call] = vendor.requests
    assert call.query == {"a": ["b"]}
    assert call.headers["user-agent"].startswith("talkworthy-crm/")


def test_429_waits_the_retry_after_seconds_then_succeeds(
    vendor: VendorServer, http: HttpClient, sleeps: list[float]
) -> None:
    vendor.on("GET", "/limited", Reply(429, {"error": "slow down"}, {"Retry-After": "2"}), Reply(200, {"ok": 1}))

    response = http.request("GET", f"{vendor.url}/limited")

    assert response.status_code == 200
    assert len(vendor.calls("GET", "/limited")) == 2
    assert sleeps == [2.0]


def test_429_retry_after_as_an_http_date_is_honoured(
    vendor: VendorServer, http: HttpClient, sleeps: list[float]
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=6), usegmt=True)
    vendor.on("GET", "/limited", Reply(429, None, {"Retry-After": when}), Reply(200, {"ok": 1}))

    http.request("GET", f"{vendor.url}/limited")

    [slept] = sleeps
    assert 3.0 < slept <= 6.0


def test_5xx_is_retried_with_bounded_backoff_then_becomes_retryable(
    vendor: VendorServer, http: HttpClient, sleeps: list[float]
) -> None:
    vendor.on("POST", "/boom", Reply(500, {"error": "internal"}))

    with pytest.raises(RetryableError) as caught:
        http.request("POST", f"{vendor.url}/boom", json={"x": 1})

    assert len(vendor.calls("POST", "/boom")) == 3
    assert sleeps == [0.5, 1.0]
    assert caught.value.retry_after is None
    assert isinstance(caught.value.__cause__, requests.HTTPError)


def test_a_retry_after_beyond_the_sleep_budget_is_handed_back_not_waited(
    vendor: VendorServer, http: HttpClient, sleeps: list[float]
) -> None:
    vendor.on("GET", "/busy", Reply(503, None, {"Retry-After": "120"}))

    with pytest.raises(RetryableError) as caught:
        http.request("GET", f"{vendor.url}/busy")

    assert caught.value.retry_after == 120
    assert len(vendor.requests) == 1
    assert sleeps == []


def test_the_final_429_carries_its_retry_after(vendor: VendorServer, sleeps: list[float]) -> None:
    client = HttpClient(policy=RetryPolicy(max_attempts=2), sleep=sleeps.append)
    vendor.on("GET", "/limited", Reply(429, None, {"Retry-After": "1"}))

    with pytest.raises(RetryableError) as caught:
        client.request("GET", f"{vendor.url}/limited")

    assert caught.value.retry_after == 1
    assert sleeps == [1.0]
    assert len(vendor.requests) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_permanent_and_not_retried(
    vendor: VendorServer, http: HttpClient, sleeps: list[float], status: int
) -> None:
    vendor.on("GET", "/refused", Reply(status, [{"message": "no"}]))

    with pytest.raises(PermanentError) as caught:
        http.request("GET", f"{vendor.url}/refused", params={"email": "ada@example.com"})

    assert len(vendor.requests) == 1
    assert sleeps == []
    assert str(status) in str(caught.value)
    assert "ada@example.com" not in str(caught.value)  # query strings stay out of messages and logs


def test_expected_statuses_are_returned_not_raised(vendor: VendorServer, http: HttpClient) -> None:
    vendor.on("GET", "/missing", Reply(404, [{"errorCode": "NOT_FOUND"}]))

    response = http.request("GET", f"{vendor.url}/missing", expect=(404,))

    assert response.status_code == 404


def test_connection_refused_is_retried_then_retryable(sleeps: list[float]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = HttpClient(sleep=sleeps.append)

    with pytest.raises(RetryableError) as caught:
        client.request("GET", f"http://127.0.0.1:{port}/x")

    assert sleeps == [0.5, 1.0]
    assert isinstance(caught.value.__cause__, requests.ConnectionError)


def test_a_read_timeout_is_retried_only_for_idempotent_requests(vendor: VendorServer, sleeps: list[float]) -> None:
    client = HttpClient(timeout=(2.0, 0.2), sleep=sleeps.append)
    vendor.on("POST", "/slow", Reply(200, {"ok": 1}, delay=1.0))

    with pytest.raises(RetryableError) as caught:
        client.request("POST", f"{vendor.url}/slow", idempotent=False)

    assert isinstance(caught.value.__cause__, requests.ReadTimeout)
    assert len(vendor.calls("POST", "/slow")) == 1
    assert sleeps == []


def test_a_read_timeout_then_success(vendor: VendorServer, sleeps: list[float]) -> None:
    client = HttpClient(timeout=(2.0, 0.2), sleep=sleeps.append)
    vendor.on("GET", "/slow", Reply(200, {"late": 1}, delay=1.0), Reply(200, {"ok": 1}))

    assert client.request("GET", f"{vendor.url}/slow").json() == {"ok": 1}
    assert sleeps == [0.5]
