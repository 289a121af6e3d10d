"""Fixtures for the CRM adapter tests: a local vendor server and an HTTP client that never sleeps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from talkworthy.http import HttpClient, RetryPolicy
from tests.unit.crm.vendor_server import VendorServer


@pytest.fixture
def vendor() -> Iterator[VendorServer]:
    server = VendorServer().start()
    yield server
    server.stop()
    assert server.errors == [], "a fake vendor handler raised"


@pytest.fixture
def sleeps() -> list[float]:
    """What the HTTP client would have slept, in order."""
    return []


@pytest.fixture
def http(sleeps: list[float]) -> HttpClient:
    return HttpClient(timeout=(2.0, 2.0), policy=RetryPolicy(max_attempts=3), sleep=sleeps.append)
