"""The value segment: from the CRM tier, else from history, else a prospect; unknown when nothing is known."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from talkworthy.identity import Profile, crm_tier, segment_for


def profile(**fields: Any) -> Profile:
    return Profile(profile_id="pr_1", **fields)


CRM = {"crm_system": "salesforce", "crm_contact_id": "003A", "handles": ["twitter/dana"]}


@pytest.mark.parametrize(
    ("vendor_tier", "tier"),
    [
        ("Enterprise", "vip"),
        ("PLATINUM", "vip"),
        ("VIP", "vip"),
        ("Platinum Plus", "vip"),
        ("Gold", "high"),
        ("premium", "high"),
        ("High", "high"),
        ("Silver", "standard"),
        ("Tier 3", "standard"),
        (None, "standard"),
    ],
)
def test_a_crm_contact_gives_its_vendor_tier(vendor_tier: str | None, tier: str) -> None:
    segment = segment_for(profile(**CRM, tier=vendor_tier))
    assert (segment.tier, segment.basis) == (tier, "crm")


def test_a_crm_contact_wins_over_history() -> None:
    segment = segment_for(profile(**CRM, tier="Gold", support_contacts=4))
    assert (segment.tier, segment.basis) == ("high", "crm")


def test_support_history_without_a_crm_contact_is_standard() -> None:
    when = datetime(2025, 3, 1, tzinfo=UTC)
    segment = segment_for(profile(handles=["twitter/x"], support_contacts=1, last_support_at=when))
    assert (segment.tier, segment.basis) == ("standard", "history")


def test_someone_known_only_socially_is_a_prospect() -> None:
    segment = segment_for(profile(handles=["twitter/x"], mention_count=3))
    assert (segment.tier, segment.basis) == ("prospect", "default")


@pytest.mark.parametrize("known", [None, profile()])
def test_nothing_known_is_unknown(known: Profile | None) -> None:
    segment = segment_for(known)
    assert (segment.tier, segment.basis) == ("unknown", "default")


def test_tier_words_can_be_overridden() -> None:
    assert crm_tier("Tier 1", {"1": "vip"}) == "vip"
    assert crm_tier("Gold", {"1": "vip"}) == "standard"
