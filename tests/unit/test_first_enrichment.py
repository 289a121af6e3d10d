"""A redelivered Mention.Received is enriched to the same Mention.Enriched; a replay afresh."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from talkworthy.catalog import EventMeta, MentionEnriched, MentionReceived
from talkworthy.catalog.mention import Author, Mention
from talkworthy.consumer import Arrival
from talkworthy.contexts.mentions import enrich
from talkworthy.crm import InMemoryCrm
from talkworthy.enrichment.first import InMemoryFirstEnrichments
from talkworthy.enrichment.intent_classifier import CuesIntentClassifier
from talkworthy.enrichment.sentiment import VaderSentimentAnalyzer
from talkworthy.identity import InMemoryIdentityGraph, InMemoryThreadStore
from talkworthy.routing import PackagedRules
from talkworthy.subjects import InMemorySubjects
from talkworthy.usecases.route import route_mention

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RECEIVED = MentionReceived(
    meta=EventMeta(event_key="standard:m1", correlation_id="c1", producer="talkworthy.ingress", occurred_at=NOW),
    mention=Mention(
        source_tool="test",
        platform="twitter",
        post_id="1",
        url="https://x.com/dana/status/1",
        author=Author(handle="dana", name="Dana W", email="dana@globex.example"),
        text="Your app crashed again and I lost my work. This is unacceptable.",
        posted_at=NOW,
    ),
)


def _ports() -> SimpleNamespace:
    return SimpleNamespace(
        sentiment=VaderSentimentAnalyzer(),
        intent=CuesIntentClassifier(),
        identities=InMemoryIdentityGraph(clock=lambda: NOW),
        threads=InMemoryThreadStore(),
        crm=InMemoryCrm(),
        first_enrichments=InMemoryFirstEnrichments(),
    )


def _enrich(ports: SimpleNamespace, replay: str | None = None) -> MentionEnriched:
    (enriched,) = enrich(RECEIVED, ports, Arrival(event_id="e", replay_name=replay, receive_count=1))  # type: ignore[arg-type]
    assert isinstance(enriched, MentionEnriched)
    return enriched


def _route(ports: SimpleNamespace, enriched: MentionEnriched) -> str:
    rules = PackagedRules().current()
    subjects = InMemorySubjects()
    decision, _ = route_mention(
        enriched, rules=rules, crm=ports.crm, identities=ports.identities, subjects=subjects, now=NOW
    )
    return decision.action


def test_a_redelivery_after_the_case_was_opened_is_the_first_enrichment_again() -> None:
    ports = _ports()
    first = _enrich(ports)
    assert (first.segment.tier, first.identity.new_profile) == ("prospect", True)
    assert _route(ports, first) == "open_case"  # a support contact now counts on the profile

    again = _enrich(ports)

    assert again == first  # meta included: the same event under the same key


def test_a_replay_is_enriched_afresh() -> None:
    ports = _ports()
    first = _enrich(ports)
    _route(ports, first)

    replayed = _enrich(ports, replay="after-the-fix")

    assert replayed.meta.event_key == first.meta.event_key
    assert (replayed.segment.tier, replayed.segment.basis) == ("standard", "history")
    assert replayed.identity.new_profile is False
