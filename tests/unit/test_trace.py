"""The live trace never prints a secret that travels in a request path."""

from __future__ import annotations

import io

import pytest

from infra.local.trace import Trace, redact_path


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/webhooks/canny/pt_s3cr3t-token", "/webhooks/canny/***"),
        ("/webhooks/canny/pt_s3cr3t/extra", "/webhooks/canny/***"),
        ("/webhooks/standard", "/webhooks/standard"),
        ("/webhooks/standard?token=abc&x=1", "/webhooks/standard?token=***&x=***"),
        ("/webhooks/canny/tok?sig=abc", "/webhooks/canny/***?sig=***"),
        ("/surveys/eyJzIjoiZHluYW1vZGIifQ.sig", "/surveys/***"),
        ("/actions/eyJhIjoiY2xhaW0ifQ.sig", "/actions/***"),
        ("/openapi.json", "/openapi.json"),
    ],
)
def test_path_tokens_and_query_values_are_masked(path: str, shown: str) -> None:
    assert redact_path(path) == shown


def test_the_trace_line_and_its_counters_carry_no_token() -> None:
    stream = io.StringIO()
    trace = Trace(stream)
    trace.request("POST", "/webhooks/canny/pt_s3cr3t-token", 202, 12.5)
    assert "s3cr3t" not in stream.getvalue()
    assert "POST /webhooks/canny/*** -> 202" in stream.getvalue()
    assert trace.requests == {"POST /webhooks/canny/*** 202": 1}
