"""Routing rules overridden from SSM Parameter Store (moto): ops change routing without a redeploy."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from talkworthy.catalog.base import EventMeta, Provenance, Score
from talkworthy.catalog.mention import (
    Author,
    Identity,
    Influence,
    Intent,
    IntentLabel,
    Mention,
    MentionEnriched,
    Segment,
)
from talkworthy.routing import PackagedRules, RulesDocument, RulesError, SsmOverrideRules, load_default_rules

PARAMETER = "/talkworthy/test/routing-rules"
POSTED = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
MODEL = Provenance(provider="test", model="fixture", version="1", confidence=0.9)

PRAISE_TO_MARKETING = """
version: 1
rules:
  - name: praise-to-marketing
    match: {intent: [praise]}
    action: notify
    notify: {channel: "#brand-love"}
default: {action: ignore}
contact_policy:
  quiet_days_after_support: 14
  block_on_open_case: true
  block_on_negative_sentiment: true
  care_fallback: {action: notify, notify: {channel: "#customer-care"}}
"""
PRAISE_TO_COMMUNITY = PRAISE_TO_MARKETING.replace("praise-to-marketing", "praise-to-community").replace(
    "#brand-love", "#community-wins"
)
BROKEN = PRAISE_TO_MARKETING.replace("action: notify\n", "action: shout\n", 1)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def post(intent: IntentLabel = "praise") -> MentionEnriched:
    return MentionEnriched(
        meta=EventMeta(
            event_key=f"mention:{intent}",
            correlation_id="c-1",
            producer="talkworthy.test",
            occurred_at=POSTED,
        ),
        mention=Mention(
            source_tool="standard_webhooks",
            platform="twitter",
            post_id="p-1",
            author=Author(handle="happy_admin"),
            text="Acme's new dashboard saved my week",
            posted_at=POSTED,
        ),
        sentiment=Score(label="positive", value=0.8, provenance=MODEL),
        intent=Intent(label=intent, cues=["saved my week"], provenance=MODEL),
        influence=Influence(score=20, provenance=MODEL),
        identity=Identity(
            profile_id="prof-9", evidence=["handle:twitter/happy_admin"], confidence=0.8, new_profile=True
        ),
        segment=Segment(tier="standard", basis="crm"),
        thread_id="t-1",
    )


@pytest.fixture
def ssm(aws: boto3.Session) -> Any:
    return aws.client("ssm")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def source(ssm: Any, clock: Clock) -> SsmOverrideRules:
    return SsmOverrideRules(ssm, PARAMETER, fallback=load_default_rules(), max_age_seconds=60, clock=clock)


def put(ssm: Any, text: str) -> None:
    ssm.put_parameter(Name=PARAMETER, Value=text, Type="String", Overwrite=True)


def test_missing_parameter_means_the_packaged_rules(source: SsmOverrideRules) -> None:
    rules = source.current()
    assert rules is PackagedRules().current()
    assert (source.origin, source.last_error) == ("fallback", None)
    assert rules.decide(post()).rule == "praise"


def test_override_applies_without_a_redeploy_once_the_cache_expires(
    source: SsmOverrideRules, ssm: Any, clock: Clock
) -> None:
    put(ssm, PRAISE_TO_MARKETING)
    first = source.current().decide(post())
    assert (first.rule, first.notify_channel) == ("praise-to-marketing", "#brand-love")
    assert source.origin == "ssm"

    put(ssm, PRAISE_TO_COMMUNITY)
    clock.now += 59
    assert source.current().decide(post()).rule == "praise-to-marketing", "still cached"

    clock.now += 1
    second = source.current().decide(post())
    assert (second.rule, second.notify_channel) == ("praise-to-community", "#community-wins")


def test_the_parameter_is_read_once_per_max_age(source: SsmOverrideRules, ssm: Any, clock: Clock) -> None:
    put(ssm, PRAISE_TO_MARKETING)
    calls: list[str] = []
    ssm.meta.events.register("before-call.ssm.GetParameter", lambda **_: calls.append("get"))
    for _ in range(5):
        source.current()
        clock.now += 10
    assert calls == ["get"]
    clock.now += 20
    source.current()
    assert calls == ["get", "get"]


def test_an_invalid_override_keeps_the_last_good_rules(source: SsmOverrideRules, ssm: Any, clock: Clock) -> None:
    put(ssm, PRAISE_TO_MARKETING)
    good = source.current()

    put(ssm, BROKEN)
    clock.now += 60
    kept = source.current()

    assert kept is good
    assert kept.decide(post()).rule == "praise-to-marketing"
    assert source.origin == "last_good"
    assert isinstance(source.last_error, RulesError)
    assert "rule 'praise-to-marketing' (rules[0]): action:" in str(source.last_error)
    assert "got 'shout'" in str(source.last_error)

    put(ssm, PRAISE_TO_COMMUNITY)
    clock.now += 60
    assert source.current().decide(post()).rule == "praise-to-community"
    assert (source.origin, source.last_error) == ("ssm", None)


def test_an_invalid_first_override_falls_back(source: SsmOverrideRules, ssm: Any) -> None:
    put(ssm, "version: 1\nrules: [")
    assert source.current() is load_default_rules()
    assert source.origin == "fallback"
    assert isinstance(source.last_error, RulesError)
    assert "not valid YAML" in str(source.last_error)


def test_deleting_the_parameter_returns_to_the_fallback(source: SsmOverrideRules, ssm: Any, clock: Clock) -> None:
    put(ssm, PRAISE_TO_MARKETING)
    assert source.current().decide(post()).rule == "praise-to-marketing"
    ssm.delete_parameter(Name=PARAMETER)
    clock.now += 60
    assert source.current() is load_default_rules()
    assert (source.origin, source.last_error) == ("fallback", None)


def test_ops_can_start_from_the_packaged_document(source: SsmOverrideRules, ssm: Any) -> None:
    """The shipped YAML fits a Standard (4 KB) parameter; ops copy it, edit one line, and put it."""
    packaged = resources.files("talkworthy.routing").joinpath("default_rules.yaml").read_text(encoding="utf-8")
    assert len(packaged.encode()) <= 4096
    put(ssm, packaged.replace('channel: "#community-care"', 'channel: "#community-help"'))
    decision = source.current().decide(post("question"))
    assert (decision.rule, decision.notify_channel) == ("question", "#community-help")


class ThrottledSsm:
    def get_parameter(self, *, Name: str) -> dict[str, Any]:
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "GetParameter")


def test_an_ssm_failure_keeps_the_rules_in_force_and_does_not_raise(clock: Clock) -> None:
    fallback: RulesDocument = load_default_rules()
    source = SsmOverrideRules(ThrottledSsm(), PARAMETER, fallback=fallback, clock=clock)
    assert source.current() is fallback
    assert isinstance(source.last_error, ClientError)
    assert source.origin == "fallback"
