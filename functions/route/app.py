"""Mention.Enriched → a case, a lead, an idea and/or a notification, by rules and contact policy."""

from __future__ import annotations

from talkworthy import composition as c
from talkworthy.catalog import MentionEnriched, utc_now
from talkworthy.consumer import Delivery, sqs_consumer
from talkworthy.settings import RouteSettings
from talkworthy.usecases.route import route_mention


def handle(event: MentionEnriched, delivery: Delivery) -> None:
    config = c.settings(RouteSettings)
    _decision, events = route_mention(
        event,
        rules=c.rules_source(config.rules_parameter).current(),
        crm=c.crm(config.crm_system, config.crm_table, config.crm_secret_arn),
        identities=c.identity_graph(config.mesh_table),
        now=utc_now(),
    )
    if events:
        c.publisher(config.event_bus_name).publish(events)


lambda_handler = sqs_consumer(MentionEnriched, "route", handle)
