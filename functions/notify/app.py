"""Action.Requested → Slack (paced, one message per second per channel) or e-mail with signed links."""

from __future__ import annotations

import time

from talkworthy import composition as c
from talkworthy.catalog import ActionRequested
from talkworthy.consumer import Delivery, sqs_consumer
from talkworthy.settings import NotifySettings
from talkworthy.usecases.notify import send_notification


def handle(request: ActionRequested, delivery: Delivery) -> None:
    config = c.settings(NotifySettings)
    send_notification(
        request,
        delivery,
        chat=c.chat(config.slack_api_url, config.slack_bot_token, config.mesh_table),
        email=c.email(config.email_sender),
        links=c.link_signer(config.action_link_key),
        links_base_url=config.public_base_url,
        once=c.once(config.idempotency_table),
        now=time.time(),
        notify_on_replay=config.notify_on_replay,
    )


lambda_handler = sqs_consumer(ActionRequested, "notify", handle)
