"""Shared builders for the notify unit tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from talkworthy.catalog import ActionRequested, EventMeta, Target


def build_request(**overrides: Any) -> ActionRequested:
    fields: dict[str, Any] = {
        "meta": EventMeta(
            event_key="mention:tw:1>notify",
            correlation_id="delivery-1",
            producer="talkworthy.route",
            occurred_at=datetime(2024, 7, 2, 16, 1, 56, tzinfo=UTC),
        ),
        "channel": "slack",
        "audience": "C0SOCIAL",
        "headline": "Negative mention from @alice on twitter",
        "body": "Product keeps crashing since the update",
        "facts": {"who": "@alice (12k followers)", "sentiment": "negative", "segment": "gold"},
        "target": Target(kind="mention", id="tw-1", system="twitter"),
        "actions": ["claim", "escalate", "dismiss"],
        "link": "https://x.com/alice/status/1",
    }
    fields.update(overrides)
    return ActionRequested(**fields)


@pytest.fixture
def make_request() -> Callable[..., ActionRequested]:
    return build_request
