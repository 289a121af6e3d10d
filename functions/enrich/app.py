"""Mention.Received → Mention.Enriched."""

from __future__ import annotations

from talkworthy import composition as c
from talkworthy.catalog import MentionReceived
from talkworthy.consumer import Delivery, sqs_consumer
from talkworthy.settings import EnrichSettings
from talkworthy.usecases.enrich import enrich_mention


def handle(event: MentionReceived, delivery: Delivery) -> None:
    config = c.settings(EnrichSettings)
    crm = c.crm(config.crm_system, config.crm_table, config.crm_secret_arn)
    enriched = enrich_mention(
        event,
        sentiment=c.sentiment_analyzer(config.sentiment_provider),
        intent=c.intent_classifier(config.intent_classifier, config.mesh_table),
        identities=c.identity_graph(config.mesh_table),
        threads=c.thread_store(config.mesh_table),
        crm_lookup=crm.find_contact_by_email,
    )
    c.publisher(config.event_bus_name).publish([enriched])


lambda_handler = sqs_consumer(MentionReceived, "enrich", handle)
