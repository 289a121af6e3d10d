"""The ingress's per-delivery metrics: each set has exactly the dimensions its alarm queries."""

from __future__ import annotations

import json

import pytest

from chalicelib.delivery_metrics import REJECTION_REASONS, DeliveryMetrics


def _flushed(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, dict[str, str]]]:
    sets = []
    for line in capsys.readouterr().out.splitlines():
        emf = json.loads(line)
        [directive] = emf["_aws"]["CloudWatchMetrics"]
        [metric] = directive["Metrics"]
        [dimensions] = directive["Dimensions"]
        sets.append((metric["Name"], {name: emf[name] for name in dimensions}))
    return sets


@pytest.fixture
def count(monkeypatch: pytest.MonkeyPatch) -> DeliveryMetrics:
    from aws_lambda_powertools import Metrics

    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    Metrics().clear_metrics()  # Powertools shares one metric set per process: none left by other tests
    return DeliveryMetrics("Talkworthy")


def test_a_rejection_is_counted_by_source_and_reason(count, capsys):
    count("zendesk", "rejected:401")

    assert _flushed(capsys) == [
        ("Deliveries", {"service": "ingress", "source": "zendesk", "outcome": "rejected:401"}),
        ("Rejections", {"service": "ingress", "source": "zendesk", "reason": "signature"}),
    ]


@pytest.mark.parametrize("outcome", ["accepted:202", "duplicate:200", "accepted:200"])
def test_a_taken_delivery_feeds_the_silence_metric(count, capsys, outcome):
    count("canny", outcome)

    assert _flushed(capsys)[1] == ("Accepted", {"service": "ingress", "source": "canny"})


@pytest.mark.parametrize("outcome", ["error:503", "in_progress:409"])
def test_an_outage_or_a_race_is_neither_a_rejection_nor_a_delivery_taken(count, capsys, outcome):
    count("standard", outcome)

    assert [name for name, _ in _flushed(capsys)] == ["Deliveries"]


def test_every_rejection_the_pipeline_answers_has_a_reason_code():
    import inspect

    from chalicelib import ingress

    statuses = {int(s) for s in __import__("re").findall(r"_reject\((\d{3})", inspect.getsource(ingress))}
    assert statuses == set(REJECTION_REASONS)
