"""The one composition root: real adapters from validated settings, built lazily, once per container.

Handlers ask for what they need (``publisher()``, ``crm()`` ...); tests build the same graph from
fakes instead. Nothing here runs at import time.
"""

from __future__ import annotations

import functools
import json
from typing import Any, TypeVar

from pydantic_settings import BaseSettings

from talkworthy.clients import aws_client, dynamodb_table
from talkworthy.errors import ConfigurationError

__all__ = ["crm", "identity_graph", "publisher", "settings", "thread_store"]

S = TypeVar("S", bound=BaseSettings)


@functools.cache
def settings(model: type[S]) -> S:
    try:
        return model()
    except Exception as err:  # pydantic's ValidationError names every missing variable
        raise ConfigurationError(f"{model.__name__}: {err}") from err


@functools.cache
def publisher(bus_name: str) -> Any:
    from talkworthy.publishing import EventBridgePublisher

    return EventBridgePublisher(aws_client("events"), bus_name)


@functools.cache
def crm(system: str, table: str, secret_arn: str) -> Any:
    if system == "dynamodb":
        from talkworthy.crm.dynamodb import DynamoDbCrm

        return DynamoDbCrm(dynamodb_table(table))
    if not secret_arn:
        raise ConfigurationError(f"CRM_SYSTEM={system} needs CRM_SECRET_ARN with its credentials")
    creds = json.loads(aws_client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"])
    if system == "salesforce":
        from talkworthy.crm.salesforce import SalesforceCrmAdapter

        return SalesforceCrmAdapter(creds["instance_url"], creds["client_id"], creds["client_secret"])
    if system == "hubspot":
        from talkworthy.crm.hubspot import HubSpotCrmAdapter

        return HubSpotCrmAdapter(creds["access_token"])
    if system == "zendesk":
        from talkworthy.crm.zendesk import ZendeskCrmAdapter

        return ZendeskCrmAdapter(creds["subdomain_url"], creds["email"], creds["api_token"])
    raise ConfigurationError(f"unknown CRM_SYSTEM {system!r}")


@functools.cache
def identity_graph(table: str) -> Any:
    from talkworthy.identity import DynamoDbIdentityGraph

    return DynamoDbIdentityGraph(dynamodb_table(table))


@functools.cache
def thread_store(table: str) -> Any:
    from talkworthy.identity import DynamoDbThreadStore

    return DynamoDbThreadStore(dynamodb_table(table))


@functools.cache
def sentiment_analyzer(provider: str) -> Any:
    from talkworthy.enrichment import select_sentiment_analyzer

    return select_sentiment_analyzer(provider, lambda: aws_client("comprehend"))


@functools.cache
def intent_classifier(name: str, table: str) -> Any:
    from talkworthy.enrichment.intent_classifier import select_intent_classifier
    from talkworthy.enrichment.intent_model_source import PublishedIntentModels

    return select_intent_classifier(name, lambda: PublishedIntentModels(dynamodb_table(table)))


@functools.cache
def rules_source(parameter: str) -> Any:
    from talkworthy.routing import PackagedRules, SsmOverrideRules

    packaged = PackagedRules()
    if not parameter:
        return packaged
    return SsmOverrideRules(aws_client("ssm"), parameter, fallback=packaged.current())


@functools.cache
def chat(api_url: str, token: str, table: str) -> Any:
    from slack_sdk import WebClient

    from talkworthy.notify import DynamoDbChannelPacer, PacedChat, SlackChatAdapter

    adapter = SlackChatAdapter(WebClient(token=token, base_url=api_url))
    return PacedChat(adapter, DynamoDbChannelPacer(dynamodb_table(table)))


@functools.cache
def email(sender: str) -> Any:
    from talkworthy.notify import SesEmailAdapter

    return SesEmailAdapter(aws_client("sesv2"), sender)


@functools.cache
def link_signer(key: str) -> Any:
    from talkworthy.notify import ActionLinkSigner

    return ActionLinkSigner([key.encode()], ttl_seconds=7 * 24 * 3600)


@functools.cache
def once(table: str) -> Any:
    from talkworthy.idempotency import DynamoDbOnce

    return DynamoDbOnce(table, aws_client("dynamodb"), expires_after_seconds=7 * 24 * 3600)


@functools.cache
def sla_scheduler(group: str, bus_arn: str, role_arn: str, dlq_arn: str) -> Any:
    from talkworthy.scheduling import EventBridgeSlaScheduler

    return EventBridgeSlaScheduler(
        aws_client("scheduler"), group=group, bus_arn=bus_arn, role_arn=role_arn, dlq_arn=dlq_arn
    )


@functools.cache
def feeds(feeds_json: str) -> Any:
    from talkworthy.pollers import parse_feed_configs

    return parse_feed_configs(feeds_json)


@functools.cache
def feed_fetch() -> Any:
    from talkworthy.http import HttpClient
    from talkworthy.pollers import feed_fetcher

    return feed_fetcher(HttpClient(user_agent="talkworthy-poller/1"))


@functools.cache
def mention_api(token: str, base_url: str) -> Any:
    from talkworthy.http import HttpClient
    from talkworthy.pollers import MentionApiClient

    return MentionApiClient(HttpClient(user_agent="talkworthy-poller/1"), token, base_url=base_url)


@functools.cache
def cursor_store(table: str) -> Any:
    from talkworthy.pollers import DynamoDbCursorStore

    return DynamoDbCursorStore(dynamodb_table(table))
