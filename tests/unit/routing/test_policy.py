"""The contact policy: no sales outreach to someone with an open case, a fresh support contact or a grudge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from talkworthy.routing import (
    ContactContext,
    ContactPolicy,
    Decision,
    RulesDocument,
    load_default_rules,
    load_rules,
)

if TYPE_CHECKING:
    from tests.unit.routing.conftest import MentionFactory

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
CALM = ContactContext(open_cases=0, last_support_at=None, now=NOW)


def policy(**overrides: Any) -> ContactPolicy:
    fields: dict[str, Any] = {
        "quiet_days_after_support": 14,
        "block_on_open_case": True,
        "block_on_negative_sentiment": True,
        "care_fallback": {"action": "notify", "notify": {"channel": "#customer-care"}},
    }
    return ContactPolicy.model_validate({**fields, **overrides})


def routed(rules: RulesDocument, post: Any, context: ContactContext) -> Decision:
    """What the route use case decides: the rule match, then the contact policy."""
    return rules.contact_policy.apply(rules.decide(post), context)


def lead(sentiment: float = 0.6, label: str = "positive", **fields: Any) -> Decision:
    return Decision.model_validate(
        {
            "rule": "prospect-sales-lead",
            "action": "flag_lead",
            "notify_channel": "#sales-leads",
            "matched": ["prospect-sales-lead"],
            "sentiment": sentiment,
            "sentiment_label": label,
            "explanation": "Rule 'prospect-sales-lead' matched intent=sales_lead: flag a lead.",
            **fields,
        }
    )


@pytest.fixture(scope="module")
def rules() -> RulesDocument:
    return load_default_rules()


def test_sales_post_from_someone_with_an_open_case_goes_to_care(rules: RulesDocument, mention: MentionFactory) -> None:
    post = mention(intent="sales_lead", tier="prospect", sentiment="positive")

    decision = routed(rules, post, ContactContext(open_cases=1, last_support_at=None, now=NOW))

    assert decision.action == "notify"
    assert decision.notify_channel == "#customer-care"
    assert decision.rule == "prospect-sales-lead"
    assert decision.original_action == "flag_lead"
    assert decision.suppressed == ["open_case:1"]
    assert not decision.is_sales
    assert decision.explanation == (
        "Rule 'prospect-sales-lead' matched intent=sales_lead, segment=prospect: flag a lead, notify "
        "#sales-leads. Sales outreach held back (open_case:1): notify #customer-care instead."
    )


def test_support_contact_three_days_ago_is_inside_a_fourteen_day_quiet_period() -> None:
    context = ContactContext(open_cases=0, last_support_at=NOW - timedelta(days=3), now=NOW)
    decision = policy().apply(lead(), context)
    assert (decision.action, decision.original_action) == ("notify", "flag_lead")
    assert decision.suppressed == ["support_contact_within:14d"]


def test_support_contact_twenty_days_ago_lets_the_lead_through() -> None:
    original = lead()
    context = ContactContext(open_cases=0, last_support_at=NOW - timedelta(days=20), now=NOW)
    decision = policy().apply(original, context)
    assert decision == original
    assert (decision.action, decision.suppressed, decision.original_action) == ("flag_lead", [], None)


def test_the_quiet_period_ends_after_exactly_n_days() -> None:
    at_edge = ContactContext(open_cases=0, last_support_at=NOW - timedelta(days=14), now=NOW)
    just_inside = ContactContext(open_cases=0, last_support_at=NOW - timedelta(days=14) + timedelta(seconds=1), now=NOW)
    assert policy().apply(lead(), at_edge).action == "flag_lead"
    assert policy().apply(lead(), just_inside).action == "notify"


def test_a_quiet_period_of_zero_days_is_off() -> None:
    context = ContactContext(open_cases=0, last_support_at=NOW - timedelta(hours=1), now=NOW)
    assert policy(quiet_days_after_support=0).apply(lead(), context).action == "flag_lead"


def test_negative_sentiment_holds_the_lead_back(rules: RulesDocument, mention: MentionFactory) -> None:
    post = mention(intent="sales_lead", tier="prospect", sentiment="negative", influence=10)
    decision = routed(rules, post, CALM)
    assert decision.action == "notify"
    assert decision.suppressed == ["negative_sentiment:-0.62"]
    assert decision.original_action == "flag_lead"


def test_a_mixed_but_clearly_negative_value_counts_as_negative() -> None:
    decision = policy().apply(lead(sentiment=-0.4, label="mixed"), CALM)
    assert decision.suppressed == ["negative_sentiment:-0.40"]
    assert policy().apply(lead(sentiment=-0.1, label="mixed"), CALM).action == "flag_lead"


def test_every_reason_is_recorded() -> None:
    context = ContactContext(open_cases=2, last_support_at=NOW - timedelta(days=1), now=NOW)
    decision = policy().apply(lead(sentiment=-0.8, label="negative"), context)
    assert decision.suppressed == ["open_case:2", "support_contact_within:14d", "negative_sentiment:-0.80"]


def test_disabled_conditions_do_not_block() -> None:
    relaxed = policy(block_on_open_case=False, block_on_negative_sentiment=False)
    context = ContactContext(open_cases=3, last_support_at=None, now=NOW)
    assert relaxed.apply(lead(sentiment=-0.9, label="negative"), context).action == "flag_lead"


def test_a_rule_tagged_sales_is_held_back_too(mention: MentionFactory) -> None:
    text = """
version: 1
rules:
  - name: pricing-question
    match: {intent: [question], segment: [prospect]}
    action: notify
    notify: {channel: "#sales-leads"}
    tags: [sales]
default: {action: ignore}
contact_policy:
  quiet_days_after_support: 7
  block_on_open_case: true
  block_on_negative_sentiment: true
  care_fallback: {action: open_case, priority: high, sla: PT4H, notify: {channel: "#customer-care"}}
"""
    post = mention(intent="question", tier="prospect")
    decision = routed(load_rules(text), post, ContactContext(open_cases=1, now=NOW))
    assert (decision.action, decision.priority, decision.sla) == ("open_case", "high", timedelta(hours=4))
    assert decision.original_action == "notify"
    assert decision.notify_channel == "#customer-care"
    assert decision.tags == ()


@pytest.mark.parametrize(
    ("intent", "tier"),
    [("complaint", "vip"), ("support_request", "standard"), ("question", "prospect"), ("idea", "high")],
)
def test_a_support_action_is_never_changed(
    rules: RulesDocument, mention: MentionFactory, intent: str, tier: str
) -> None:
    post = mention(intent=intent, tier=tier, sentiment="negative")
    unhappy = ContactContext(open_cases=3, last_support_at=NOW - timedelta(hours=2), now=NOW)
    matched = rules.decide(post)
    assert routed(rules, post, unhappy) == matched
    assert matched.suppressed == []


def test_the_context_needs_aware_times() -> None:
    with pytest.raises(ValidationError):
        ContactContext(open_cases=0, last_support_at=None, now=datetime(2025, 3, 4, 12, 0))
    with pytest.raises(ValidationError):
        ContactContext(open_cases=-1, now=NOW)


# --------------------------------------------------------------------------- properties

policies = st.builds(
    policy,
    quiet_days_after_support=st.integers(0, 60),
    block_on_open_case=st.booleans(),
    block_on_negative_sentiment=st.booleans(),
    negative_sentiment_below=st.floats(-1.0, 1.0),
)
contexts = st.builds(
    ContactContext,
    open_cases=st.integers(0, 5),
    last_support_at=st.none() | st.integers(-100 * 86400, 100 * 86400).map(lambda s: NOW - timedelta(seconds=s)),
    now=st.just(NOW),
)
decisions = st.builds(
    lambda action, tags, value, label: Decision(
        rule="r", action=action, tags=tags, sentiment=value, sentiment_label=label, explanation="x"
    ),
    action=st.sampled_from(["open_case", "flag_lead", "file_idea", "notify", "ignore"]),
    tags=st.lists(st.sampled_from(["sales", "care", "beta"]), max_size=2).map(tuple),
    value=st.none() | st.floats(-1.0, 1.0),
    label=st.none() | st.sampled_from(["positive", "negative", "neutral", "mixed"]),
)


def blocked(p: ContactPolicy, d: Decision, c: ContactContext) -> bool:
    """The block conditions, restated independently of the implementation."""
    recent = (
        p.quiet_days_after_support > 0  # 0 turns the quiet period off
        and c.last_support_at is not None
        and (c.now - c.last_support_at).total_seconds() < p.quiet_days_after_support * 86400
    )
    negative = d.sentiment_label == "negative" or (d.sentiment is not None and d.sentiment < p.negative_sentiment_below)
    return (p.block_on_open_case and c.open_cases > 0) or recent or (p.block_on_negative_sentiment and negative)


@settings(max_examples=400)
@given(p=policies, d=decisions, c=contexts)
def test_policy_never_lets_sales_through_a_block(p: ContactPolicy, d: Decision, c: ContactContext) -> None:
    result = p.apply(d, c)
    is_sales = d.action == "flag_lead" or "sales" in d.tags
    if not is_sales:
        assert result == d
    elif blocked(p, d, c):
        assert result.action != "flag_lead"
        assert not result.is_sales
        assert result.original_action == d.action
        assert result.suppressed
    else:
        assert result == d


@settings(max_examples=300)
@given(
    intent=st.sampled_from(["support_request", "complaint", "question", "sales_lead", "idea", "praise", "other"]),
    tier=st.sampled_from(["vip", "high", "standard", "prospect", "unknown"]),
    sentiment=st.sampled_from(["positive", "negative", "neutral", "mixed"]),
    value=st.floats(-1.0, 1.0),
    influence=st.integers(0, 100),
    c=contexts,
)
def test_default_rules_never_flag_a_lead_through_a_block(
    rules: RulesDocument,
    mention: MentionFactory,
    intent: str,
    tier: str,
    sentiment: str,
    value: float,
    influence: int,
    c: ContactContext,
) -> None:
    post = mention(intent=intent, tier=tier, sentiment=sentiment, sentiment_value=value, influence=influence)
    result = routed(rules, post, c)
    if blocked(rules.contact_policy, rules.decide(post), c):
        assert result.action != "flag_lead"
    if result.action != "flag_lead" and rules.decide(post).action != "flag_lead":
        assert result == rules.decide(post)
