"""Typed settings, one model per function, validated at cold start from the environment."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import BaseSettings

__all__ = [
    "EnrichSettings",
    "EscalateSettings",
    "NotifySettings",
    "PollSettings",
    "RouteSettings",
    "SlaSettings",
]


class _Settings(BaseSettings):
    event_bus_name: str
    mesh_table: str


class _CrmSettings(_Settings):
    crm_system: Literal["dynamodb", "salesforce", "hubspot", "zendesk"] = "dynamodb"
    crm_table: str = ""
    crm_secret_arn: str = ""  # vendor credentials, JSON in Secrets Manager


class EnrichSettings(_CrmSettings):
    sentiment_provider: Literal["vader", "comprehend"] = "vader"
    intent_classifier: Literal["cues", "learned"] = "learned"


class RouteSettings(_CrmSettings):
    rules_parameter: str = ""  # SSM parameter overriding the packaged rules; empty = packaged rules only


class NotifySettings(_Settings):
    idempotency_table: str
    slack_api_url: str
    slack_bot_token: str
    email_sender: str
    action_link_key: str
    public_base_url: str = ""
    notify_on_replay: bool = False


class SlaSettings(_Settings):
    sla_schedule_group: str
    sla_scheduler_role_arn: str
    sla_dlq_arn: str
    event_bus_arn: str


class EscalateSettings(_Settings):
    escalation_channel: str


class PollSettings(_Settings):
    feeds_json: str = "[]"  # FeedConfig list, see talkworthy.pollers.config
    mention_api_token: str = ""
