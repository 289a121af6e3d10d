"""The one composition root: real adapters from validated settings, built lazily, once per container.

Each builder takes the settings it needs and returns the port its callers depend on. Nothing
here runs at import time, and each adapter's module is imported only when it is first built.
Unit tests do not use this module: they hand use cases the in-memory fakes that sit next to
each port.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from talkworthy.clients import aws_client, dynamodb_table
from talkworthy.errors import ConfigurationError

if TYPE_CHECKING:
    from talkworthy.cases.store import CaseFileStore
    from talkworthy.community.activity_store import ActivityStore
    from talkworthy.community.config import CommunityConfig
    from talkworthy.community.counters import SurgeStore
    from talkworthy.community.digests import DigestLedger
    from talkworthy.community.discourse_reports import DiscourseReports
    from talkworthy.community.slack_upload import ImagePoster
    from talkworthy.crm.port import CrmPort
    from talkworthy.customers.feedback import FeedbackStore
    from talkworthy.customers.pressure import ContactPressure
    from talkworthy.customers.store import BaselineStore
    from talkworthy.enrichment.corrections import CorrectionsStore
    from talkworthy.enrichment.first import FirstEnrichments
    from talkworthy.enrichment.intent_classifier import IntentClassifier
    from talkworthy.enrichment.sentiment import SentimentAnalyzer
    from talkworthy.ideas.canny import CannyApi
    from talkworthy.ideas.dedupe import Deduper
    from talkworthy.ideas.store import IdeaStore
    from talkworthy.idempotency import Once
    from talkworthy.identity.port import IdentityGraph
    from talkworthy.identity.threads import ThreadStore
    from talkworthy.loop.store import LoopStore
    from talkworthy.loop.survey_links import SurveyLinkSigner
    from talkworthy.notify.email import EmailPort
    from talkworthy.notify.incidents import IncidentStore
    from talkworthy.notify.links import ActionLinkSigner
    from talkworthy.notify.messages import SentMessages
    from talkworthy.notify.slack import ChatPort
    from talkworthy.outreach.ledger import ContactLedger
    from talkworthy.people.source import DirectorySource
    from talkworthy.pollers.config import FeedConfig
    from talkworthy.pollers.cursor import CursorStore
    from talkworthy.pollers.poll import MentionSource
    from talkworthy.publishing import EventPublisher
    from talkworthy.replies.router import ReplyRouter
    from talkworthy.routing.journal import RoutingJournal
    from talkworthy.routing.source import RulesSource
    from talkworthy.scheduling import SlaScheduler
    from talkworthy.settings import (
        CasesSettings,
        CommunityReportsSettings,
        CrmSettings,
        IdeasSettings,
        LoopSettings,
        NotifySettings,
        SlackSettings,
    )
    from talkworthy.subjects import SubjectStore

__all__ = [
    "activity_store",
    "baseline_store",
    "canny_api",
    "case_files",
    "chat",
    "communities",
    "contact_ledger",
    "contact_pressure",
    "corrections",
    "crm",
    "cursor_store",
    "digest_ledger",
    "discourse_reports",
    "email",
    "feed_fetch",
    "feedback_store",
    "feeds",
    "idea_deduper",
    "idea_store",
    "identity_graph",
    "image_poster",
    "incidents",
    "intent_classifier",
    "link_signer",
    "loop_store",
    "mention_api",
    "once",
    "owner_channels",
    "people",
    "publisher",
    "reply_router",
    "rules_source",
    "sent_messages",
    "sentiment_analyzer",
    "sla_scheduler",
    "slack",
    "subjects",
    "surge_store",
    "survey_link_signer",
    "thread_store",
]


@functools.cache
def publisher(bus_name: str) -> EventPublisher:
    from talkworthy.publishing import EventBridgePublisher

    return EventBridgePublisher(aws_client("events"), bus_name)


@functools.cache
def crm(config: CrmSettings) -> CrmPort:
    if config.crm_system == "dynamodb":
        from talkworthy.crm.dynamodb import DynamoDbCrm

        return DynamoDbCrm(dynamodb_table(config.crm_table))
    if not config.crm_secret_arn:
        raise ConfigurationError(f"CRM_SYSTEM={config.crm_system} needs CRM_SECRET_ARN with its credentials")
    secret = aws_client("secretsmanager").get_secret_value(SecretId=config.crm_secret_arn)["SecretString"]
    creds = json.loads(secret)
    if config.crm_system == "salesforce":
        from talkworthy.crm.salesforce import SalesforceCrmAdapter

        return SalesforceCrmAdapter(creds["instance_url"], creds["client_id"], creds["client_secret"])
    if config.crm_system == "hubspot":
        from talkworthy.crm.hubspot import HubSpotCrmAdapter

        return HubSpotCrmAdapter(creds["access_token"])
    from talkworthy.crm.zendesk import ZendeskCrmAdapter

    return ZendeskCrmAdapter(creds["subdomain_url"], creds["email"], creds["api_token"])


@functools.cache
def identity_graph(table: str) -> IdentityGraph:
    from talkworthy.identity import DynamoDbIdentityGraph

    return DynamoDbIdentityGraph(dynamodb_table(table))


@functools.cache
def thread_store(table: str) -> ThreadStore:
    from talkworthy.identity import DynamoDbThreadStore

    return DynamoDbThreadStore(dynamodb_table(table))


@functools.cache
def sentiment_analyzer(provider: str) -> SentimentAnalyzer:
    from talkworthy.enrichment import select_sentiment_analyzer

    return select_sentiment_analyzer(provider, lambda: aws_client("comprehend"))


@functools.cache
def intent_classifier(name: str, table: str) -> IntentClassifier:
    from talkworthy.enrichment.intent_classifier import select_intent_classifier
    from talkworthy.enrichment.intent_model_source import PublishedIntentModels

    return select_intent_classifier(name, lambda: PublishedIntentModels(dynamodb_table(table)))


@functools.cache
def rules_source(parameter: str) -> RulesSource:
    from talkworthy.routing import PackagedRules, SsmOverrideRules

    packaged = PackagedRules()
    if not parameter:
        return packaged
    return SsmOverrideRules(aws_client("ssm"), parameter, fallback=packaged.current())


@functools.cache
def slack(config: SlackSettings) -> ChatPort:
    """The Slack Web API without pacing: for ``views.open``, which Slack does not rate per channel."""
    from slack_sdk import WebClient

    from talkworthy.notify import SlackChatAdapter

    return SlackChatAdapter(WebClient(token=config.slack_bot_token, base_url=config.slack_api_url))


@functools.cache
def chat(config: NotifySettings) -> ChatPort:
    from talkworthy.notify import DynamoDbChannelPacer, PacedChat

    return PacedChat(slack(config), DynamoDbChannelPacer(dynamodb_table(config.mesh_table)))


@functools.cache
def sent_messages(table: str) -> SentMessages:
    from talkworthy.notify.messages import DynamoDbSentMessages

    return DynamoDbSentMessages(dynamodb_table(table))


@functools.cache
def first_enrichments(table: str) -> FirstEnrichments:
    from talkworthy.enrichment.first import DynamoDbFirstEnrichments

    return DynamoDbFirstEnrichments(dynamodb_table(table))


@functools.cache
def routing_journal(table: str) -> RoutingJournal:
    from talkworthy.routing.journal import DynamoDbRoutingJournal

    return DynamoDbRoutingJournal(dynamodb_table(table))


def case_files(table: str) -> CaseFileStore:
    from talkworthy.cases.store import DynamoDbCaseFiles

    return DynamoDbCaseFiles(dynamodb_table(table))


@functools.cache
def subjects(table: str) -> SubjectStore:
    from talkworthy.subjects import DynamoDbSubjects

    return DynamoDbSubjects(dynamodb_table(table))


@functools.cache
def corrections(table: str) -> CorrectionsStore:
    from talkworthy.enrichment.corrections import DynamoDbCorrections

    return DynamoDbCorrections(dynamodb_table(table))


@functools.cache
def people(parameter: str) -> DirectorySource:
    from talkworthy.people import load_default_directory
    from talkworthy.people.source import PackagedDirectory, SsmOverrideDirectory

    if not parameter:
        return PackagedDirectory()
    return SsmOverrideDirectory(aws_client("ssm"), parameter, fallback=load_default_directory())


@functools.cache
def email(sender: str) -> EmailPort:
    from talkworthy.notify import SesEmailAdapter

    return SesEmailAdapter(aws_client("sesv2"), sender)


@functools.cache
def link_signer(key: str) -> ActionLinkSigner:
    from talkworthy.notify import ActionLinkSigner

    return ActionLinkSigner([key.encode()], ttl_seconds=7 * 24 * 3600)


@functools.cache
def survey_link_signer(key: str) -> SurveyLinkSigner:
    from talkworthy.loop.survey_links import SurveyLinkSigner

    return SurveyLinkSigner([key.encode()])


@functools.cache
def once(table: str) -> Once:
    from talkworthy.idempotency import DynamoDbOnce

    return DynamoDbOnce(table, aws_client("dynamodb"), expires_after_seconds=7 * 24 * 3600)


@functools.cache
def sla_scheduler(config: CasesSettings) -> SlaScheduler:
    from talkworthy.scheduling import EventBridgeSlaScheduler

    return EventBridgeSlaScheduler(
        aws_client("scheduler"),
        group=config.sla_schedule_group,
        bus_arn=config.event_bus_arn,
        role_arn=config.sla_scheduler_role_arn,
        dlq_arn=config.schedule_dlq_arn,
    )


@functools.cache
def feeds(feeds_json: str) -> list[FeedConfig]:
    from talkworthy.pollers import parse_feed_configs

    return parse_feed_configs(feeds_json)


@functools.cache
def feed_fetch() -> Callable[[str], bytes]:
    from talkworthy.http import HttpClient
    from talkworthy.pollers import feed_fetcher

    return feed_fetcher(HttpClient(user_agent="talkworthy-poller/1"))


@functools.cache
def mention_api(token: str, base_url: str) -> MentionSource:
    from talkworthy.http import HttpClient
    from talkworthy.pollers import MentionApiClient

    return MentionApiClient(HttpClient(user_agent="talkworthy-poller/1"), token, base_url=base_url)


@functools.cache
def cursor_store(table: str) -> CursorStore:
    from talkworthy.pollers import DynamoDbCursorStore

    return DynamoDbCursorStore(dynamodb_table(table))


@functools.cache
def baseline_store(table: str) -> BaselineStore:
    from talkworthy.customers.store import DynamoDbBaselineStore

    return DynamoDbBaselineStore(dynamodb_table(table))


@functools.cache
def contact_pressure(table: str) -> ContactPressure:
    from talkworthy.customers.pressure import DynamoDbContactPressure

    return DynamoDbContactPressure(dynamodb_table(table))


@functools.cache
def owner_channels(owner_channels_json: str) -> dict[str, str]:
    try:
        channels = json.loads(owner_channels_json)
    except ValueError as err:
        raise ConfigurationError(f"OWNER_CHANNELS_JSON is not JSON: {err}") from err
    if not isinstance(channels, dict) or not all(isinstance(v, str) for v in channels.values()):
        raise ConfigurationError('OWNER_CHANNELS_JSON must be an object {"<owner>": "<Slack channel id>"}')
    return {str(owner): channel for owner, channel in channels.items()}


def idea_store(table: str) -> IdeaStore:
    from talkworthy.ideas.store_dynamodb import DynamoDbIdeaStore

    return DynamoDbIdeaStore(dynamodb_table(table))


@functools.cache
def idea_deduper(table: str) -> Deduper:
    from talkworthy.ideas.dedupe import Deduper
    from talkworthy.ideas.store_dynamodb import DynamoDbTermStore

    return Deduper(DynamoDbTermStore(dynamodb_table(table)))


@functools.cache
def canny_api(config: IdeasSettings) -> CannyApi | None:
    """Canny's API with the key from Secrets Manager; ``None`` when no key is configured."""
    if not config.canny_secret_arn:
        return None
    from talkworthy.ideas.canny import CannyApi

    key = aws_client("secretsmanager").get_secret_value(SecretId=config.canny_secret_arn)["SecretString"]
    return CannyApi(key, base_url=config.canny_api_url)


@functools.cache
def activity_store(table: str) -> ActivityStore:
    """Community activity's weekly aggregates (the health index) on the mesh table."""
    from talkworthy.community.activity_store import DynamoDbActivityStore

    return DynamoDbActivityStore(dynamodb_table(table))


def communities(communities_json: str) -> list[CommunityConfig]:
    from talkworthy.community.config import parse_communities

    return parse_communities(communities_json)


@functools.cache
def _discourse_api_keys(secret_arn: str) -> dict[str, str]:
    if not secret_arn:
        raise ConfigurationError("DISCOURSE_SECRET_ARN is not set: the admin reports need an API key")
    keys = json.loads(aws_client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"] or "{}")
    if not isinstance(keys, dict):
        raise ConfigurationError("the Discourse API keys secret must be a JSON object {community_id: key}")
    return {str(k): str(v) for k, v in keys.items()}


def discourse_reports(config: CommunityReportsSettings, community: CommunityConfig) -> DiscourseReports:
    """The community's admin reports API with its key from Secrets Manager (read once per container)."""
    from talkworthy.community.discourse_reports import DiscourseReports

    key = _discourse_api_keys(config.discourse_secret_arn).get(community.community_id)
    if not key:
        raise ConfigurationError(f"no Discourse API key for {community.community_id} in the secret")
    return DiscourseReports(community.api_base, key, community.api_username)


@functools.cache
def digest_ledger(table: str) -> DigestLedger:
    from talkworthy.community.digests import DynamoDbDigestLedger

    return DynamoDbDigestLedger(dynamodb_table(table))


def image_poster(config: SlackSettings) -> ImagePoster:
    """Slack's files API (``files_upload_v2``) with the bot token."""
    from slack_sdk import WebClient

    from talkworthy.community.slack_upload import SlackImagePoster

    return SlackImagePoster(WebClient(token=config.slack_bot_token, base_url=config.slack_api_url))


def loop_store(table: str) -> LoopStore:
    from talkworthy.loop.store_dynamodb import DynamoDbLoopStore

    return DynamoDbLoopStore(dynamodb_table(table))


@functools.cache
def contact_ledger(table: str) -> ContactLedger:
    from talkworthy.outreach.ledger_dynamodb import DynamoDbContactLedger

    return DynamoDbContactLedger(dynamodb_table(table))


@functools.cache
def reply_router(config: LoopSettings) -> ReplyRouter:
    """A port per configured platform (Discourse, X-style), and e-mail through SES when a sender is set."""
    from talkworthy.replies.port import ReplyPort
    from talkworthy.replies.router import ReplyRouter

    ports: dict[str, ReplyPort] = {}
    if config.discourse_url and config.discourse_api_key:
        from talkworthy.replies.discourse import DiscourseReplyAdapter

        ports["discourse"] = DiscourseReplyAdapter(
            config.discourse_url, config.discourse_api_key, config.discourse_api_username
        )
    if config.social_api_url and config.social_bearer_token:
        from talkworthy.replies.social import SocialReplyAdapter

        ports["x"] = SocialReplyAdapter(config.social_api_url, config.social_bearer_token)
    mail = None
    if config.email_sender:
        from talkworthy.replies.email import EmailReplyAdapter

        mail = EmailReplyAdapter(email(config.email_sender))
    return ReplyRouter(ports, mail)


@functools.cache
def feedback_store(table: str) -> FeedbackStore:
    from talkworthy.customers.feedback import DynamoDbFeedbackStore

    return DynamoDbFeedbackStore(dynamodb_table(table))


def surge_store(table: str) -> SurgeStore:
    from talkworthy.community.counters import DynamoDbSurgeStore

    return DynamoDbSurgeStore(dynamodb_table(table))


def incidents(table: str) -> IncidentStore:
    from talkworthy.notify.incidents import DynamoDbIncidentStore

    return DynamoDbIncidentStore(dynamodb_table(table))
