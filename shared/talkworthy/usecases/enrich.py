"""Mention.Received → Mention.Enriched: sentiment, intent, influence, identity, segment, thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from talkworthy.catalog import MentionEnriched, MentionReceived
from talkworthy.crm.port import Contact
from talkworthy.enrichment import SentimentAnalyzer, influence_score
from talkworthy.identity import IdentityGraph, ThreadStore, segment_for

if TYPE_CHECKING:
    from talkworthy.enrichment.intent_classifier import IntentClassifier

__all__ = ["PRODUCER", "enrich_mention"]

PRODUCER = "talkworthy.enrich"


def enrich_mention(
    received: MentionReceived,
    *,
    sentiment: SentimentAnalyzer,
    intent: IntentClassifier,
    identities: IdentityGraph,
    threads: ThreadStore,
    crm_lookup: Callable[[str], Contact | None] | None,
) -> MentionEnriched:
    mention = received.mention
    text = f"{mention.title}\n{mention.text}" if mention.title else mention.text
    score = sentiment.analyze(text, mention.language)
    classified = intent.classify(text, score, mention.language)
    influence = influence_score(mention.author.audience, mention.engagement, mention.author.reputation)
    identity, profile = identities.resolve(mention.platform, mention.author, crm_lookup)
    thread_id = threads.assign_thread(mention, identity.profile_id, topic=classified.label)
    return MentionEnriched(
        meta=received.meta.derive(PRODUCER, "enriched"),
        mention=mention,
        sentiment=score,
        intent=classified.to_intent(),
        influence=influence.to_influence(),
        identity=identity,
        segment=segment_for(profile),
        thread_id=thread_id,
    )
