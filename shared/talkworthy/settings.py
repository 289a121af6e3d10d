"""Typed settings: one pydantic model per function, validated from that function's environment.

A field ``crm_table`` is read from the variable ``CRM_TABLE``. On Lambda a function's environment
is ``os.environ``. The local runtime runs every function in one process, so it hands each
invocation its own environment through :func:`use_environment` instead of merging them all into
``os.environ``: two functions may set the same name to different values.

Plain pydantic models rather than pydantic-settings: validation is the same, and the import is
about 100 ms cheaper at every cold start (see ``docs/design-notes.md``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from talkworthy.errors import ConfigurationError

__all__ = [
    "CasesSettings",
    "CommunityDigestSettings",
    "CommunityReportsSettings",
    "CommunitySettings",
    "ConsumerSettings",
    "CrmSettings",
    "CustomersSettings",
    "DeviationScanSettings",
    "IdeasSettings",
    "IngressSettings",
    "MentionsSettings",
    "NotifySettings",
    "PollSettings",
    "Settings",
    "SlackSettings",
    "SurgeScanSettings",
    "function_environment",
    "use_environment",
]

_ENVIRONMENT: ContextVar[Mapping[str, str] | None] = ContextVar("talkworthy_function_environment", default=None)


def function_environment() -> Mapping[str, str]:
    """The running function's environment: the one the local runtime set, else ``os.environ``."""
    return _ENVIRONMENT.get() or os.environ


@contextmanager
def use_environment(environment: Mapping[str, str]) -> Iterator[None]:
    """Run the enclosed code as the function whose environment this is (local runtime, tests)."""
    token = _ENVIRONMENT.set(environment)
    try:
        yield
    finally:
        _ENVIRONMENT.reset(token)


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def load(cls, environment: Mapping[str, str] | None = None) -> Self:
        """Validate from the environment; a missing or bad variable names itself in the error."""
        env = function_environment() if environment is None else environment
        values = {name: env[name.upper()] for name in cls.model_fields if name.upper() in env}
        try:
            return cls.model_validate(values)
        except ValidationError as err:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']).upper() or '?'}: {e['msg']}" for e in err.errors()
            )
            raise ConfigurationError(f"{cls.__name__}: {problems}") from err


class ConsumerSettings(Settings):
    """What every queue consumer needs: the bus it publishes to and the DLQ it rejects into."""

    event_bus_name: str
    mesh_table: str
    dlq_url: str


class CrmSettings(Settings):
    crm_system: Literal["dynamodb", "salesforce", "hubspot", "zendesk"] = "dynamodb"
    crm_table: str = ""
    crm_secret_arn: str = ""  # vendor credentials, JSON in Secrets Manager


class MentionsSettings(ConsumerSettings, CrmSettings):
    sentiment_provider: Literal["vader", "comprehend"] = "vader"
    intent_classifier: Literal["cues", "learned"] = "learned"
    rules_parameter: str = ""  # SSM parameter overriding the packaged rules; empty = packaged rules only


class SlackSettings(Settings):
    slack_api_url: str
    slack_bot_token: str


class LoopSettings(Settings):
    """Telling a customer their case is solved (close the loop), and asking them how it went."""

    discourse_url: str = ""  # the community's base URL; empty: no Discourse replies
    discourse_api_key: str = ""
    discourse_api_username: str = ""  # the brand's account the replies are posted as
    social_api_url: str = ""  # an X API v2-compatible base URL; empty: no social replies
    social_bearer_token: str = ""  # the brand account's user-context token
    email_sender: str = ""  # SES identity for e-mail replies and surveys; empty: no e-mail
    action_link_key: str = ""  # signs the survey's rating links (in their own context)
    public_base_url: str = ""  # where the ingress serves the survey pages
    survey_delay_minutes: int = Field(default=24 * 60, ge=0)  # after the ticket was solved


class CasesSettings(ConsumerSettings, CrmSettings, SlackSettings, LoopSettings):
    rules_parameter: str = ""  # the routing rules hold the contact policy that mark_lead honours
    people_parameter: str = ""  # SSM parameter overriding the packaged people directory
    slack_workspace_url: str = "https://slack.com"  # message links: {url}/archives/{channel}/p{ts}
    sla_schedule_group: str
    sla_scheduler_role_arn: str
    schedule_dlq_arn: str  # where Scheduler parks an SLA breach it could not deliver
    event_bus_arn: str
    escalation_channel: str


class NotifySettings(ConsumerSettings, SlackSettings):
    idempotency_table: str
    email_sender: str
    action_link_key: str
    public_base_url: str = ""
    notify_on_replay: bool = False
    people_parameter: str = ""  # SSM parameter overriding the packaged people directory (who may own an incident)


class CustomersSettings(ConsumerSettings, CrmSettings):
    retention_channel: str  # Slack channel for retention messages when the account owner has none
    owner_channels_json: str = "{}"  # {"<CRM account owner>": "<Slack channel id>"}
    rules_parameter: str = ""  # the routing rules' contact policy also governs nurture outreach
    people_parameter: str = ""  # SSM parameter overriding the packaged people directory (who may act)


class DeviationScanSettings(Settings):
    event_bus_name: str
    mesh_table: str


class CommunitySettings(ConsumerSettings):
    """The community context's consumer: community activity into weekly health aggregates."""


class SurgeScanSettings(Settings):
    """The scheduled surge scan: finished buckets counted from the routing journal, the detector."""

    event_bus_name: str
    mesh_table: str
    surge_bucket_seconds: int = 300  # the local mesh uses seconds, so a demo surge opens and resolves in a minute
    surge_grace_seconds: int = 60  # a bucket is evaluated once the stream is this far past its end
    surge_silence_seconds: int = 600  # ... or once the wall clock is (nobody mentioned anything)
    surge_min_count: int = 10  # a bucket below this is never unusual
    surge_quiet_buckets: int = 3  # buckets at or below the usual band that resolve a surge


class CommunityReportsSettings(Settings):
    mesh_table: str
    communities_json: str = "[]"  # CommunityConfig list, see talkworthy.community.config
    discourse_secret_arn: str = ""  # Secrets Manager: {"<community_id>": "<admin API key>"}


class CommunityDigestSettings(SlackSettings):
    mesh_table: str
    communities_json: str = "[]"


class IdeasSettings(ConsumerSettings):
    product_channel: str  # Slack channel id where the product owner decides on ideas
    people_parameter: str = ""  # SSM parameter overriding the packaged people directory (who may decide)
    canny_secret_arn: str = ""  # Secrets Manager: Canny's API key (empty: Canny deliveries are refused)
    canny_api_url: str = "https://canny.io/api/v1"
    canny_changer_id: str = ""  # the Canny admin recorded as changing a post's status


class PollSettings(Settings):
    event_bus_name: str
    mesh_table: str
    feeds_json: str = "[]"  # FeedConfig list, see talkworthy.pollers.config
    mention_api_token: str = ""


class IngressSettings(Settings):
    event_bus_name: str
    mesh_table: str  # action links are single-use: each use is a conditional write there
    action_link_key: str
    raw_delivery_stream: str
    idempotency_table: str
    webhook_secrets_arn: str
    public_base_url: str = ""
    powertools_metrics_namespace: str = "Talkworthy"
