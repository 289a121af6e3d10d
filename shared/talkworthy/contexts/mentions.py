"""The mentions context: enrich a received mention, then route the enriched one.

Idempotent under redelivery: enrichment's writes (profile, thread) are conditional on natural
keys and return what the first delivery wrote, and the first enrichment is kept, so a redelivery
publishes the same ``Mention.Enriched`` (``enrichment/first.py``); routing opens cases and flags
leads through the CRM port keyed by the mention's event key, and journals its decision keyed by
it too (a redelivery follows the first decision); the events published carry keys derived from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.catalog import Detail, MentionEnriched, MentionReceived, utc_now
from talkworthy.consumer import Arrival, HandlerMap, on
from talkworthy.settings import MentionsSettings
from talkworthy.usecases.enrich import enrich_mention
from talkworthy.usecases.route import route_mention

if TYPE_CHECKING:
    from talkworthy.crm.port import CrmPort
    from talkworthy.enrichment.first import FirstEnrichments
    from talkworthy.enrichment.intent_classifier import IntentClassifier
    from talkworthy.enrichment.sentiment import SentimentAnalyzer
    from talkworthy.identity.port import IdentityGraph
    from talkworthy.identity.threads import ThreadStore
    from talkworthy.routing.journal import RoutingJournal
    from talkworthy.routing.source import RulesSource
    from talkworthy.subjects import SubjectStore

__all__ = ["HANDLERS", "MentionsPorts"]


class MentionsPorts:
    def __init__(self, config: MentionsSettings) -> None:
        self.config = config

    @cached_property
    def crm(self) -> CrmPort:
        return c.crm(self.config)

    @cached_property
    def identities(self) -> IdentityGraph:
        return c.identity_graph(self.config.mesh_table)

    @cached_property
    def threads(self) -> ThreadStore:
        return c.thread_store(self.config.mesh_table)

    @cached_property
    def subjects(self) -> SubjectStore:
        return c.subjects(self.config.mesh_table)

    @cached_property
    def sentiment(self) -> SentimentAnalyzer:
        return c.sentiment_analyzer(self.config.sentiment_provider)

    @cached_property
    def intent(self) -> IntentClassifier:
        return c.intent_classifier(self.config.intent_classifier, self.config.mesh_table)

    @cached_property
    def first_enrichments(self) -> FirstEnrichments:
        return c.first_enrichments(self.config.mesh_table)

    @cached_property
    def journal(self) -> RoutingJournal:
        return c.routing_journal(self.config.mesh_table)

    @cached_property
    def rules(self) -> RulesSource:
        return c.rules_source(self.config.rules_parameter)


def enrich(event: MentionReceived, ports: MentionsPorts, arrival: Arrival) -> Sequence[Detail]:
    enriched = enrich_mention(
        event,
        sentiment=ports.sentiment,
        intent=ports.intent,
        identities=ports.identities,
        threads=ports.threads,
        crm_lookup=ports.crm.find_contact_by_email,
    )
    if arrival.is_replay:  # a replay enriches afresh: that is what it is for
        return [enriched]
    return [ports.first_enrichments.keep(enriched)]


def route(event: MentionEnriched, ports: MentionsPorts, arrival: Arrival) -> Sequence[Detail]:
    _decision, events = route_mention(
        event,
        rules=ports.rules.current(),
        crm=ports.crm,
        identities=ports.identities,
        subjects=ports.subjects,
        now=utc_now(),
        journal=ports.journal,
    )
    return events


HANDLERS = HandlerMap[MentionsPorts](
    on(MentionReceived, enrich),
    on(MentionEnriched, route),
)
