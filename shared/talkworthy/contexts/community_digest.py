"""Scheduled weekly: each community's health digest in its Slack channel, with its chart.

For the week that ended (Monday to Sunday, UTC) the index is computed from the weekly aggregates
(``usecases/community_health.py``), put in words (``community/digest.py``), drawn
(``community/chart.py``) and shared as one Slack message with the chart through the files API.
Every factor's percentile and the score become metrics (``CommunityHealthScore``,
``CommunityFactorPercentile`` by ``community`` and ``factor``).

Idempotent per week: the digest is claimed before it is posted (``community/digests.py``), so a
retried run posts nothing twice; a failed post releases the claim for the retry.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from talkworthy import composition as c
from talkworthy.community.activity_store import week_of
from talkworthy.community.digest import Digest, compose_digest
from talkworthy.errors import TalkworthyError
from talkworthy.scheduled import RunReport, ScheduledRun
from talkworthy.settings import CommunityDigestSettings
from talkworthy.usecases.community_health import weekly_scores

if TYPE_CHECKING:
    from talkworthy.community.activity_store import ActivityStore
    from talkworthy.community.config import CommunityConfig
    from talkworthy.community.digests import DigestLedger
    from talkworthy.community.slack_upload import ImagePoster

__all__ = ["CommunityDigestPorts", "emit_metrics", "post_digests"]


class CommunityDigestPorts:
    def __init__(self, config: CommunityDigestSettings) -> None:
        self.config = config

    @cached_property
    def communities(self) -> list[CommunityConfig]:
        return c.communities(self.config.communities_json)

    @cached_property
    def activity(self) -> ActivityStore:
        return c.activity_store(self.config.mesh_table)

    @cached_property
    def ledger(self) -> DigestLedger:
        return c.digest_ledger(self.config.mesh_table)

    @cached_property
    def poster(self) -> ImagePoster:
        return c.image_poster(self.config)


def emit_metrics(digest: Digest) -> None:
    """The score and each factor's percentile, one EMF record each (dimensions: community, factor)."""
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    with single_metric(name="CommunityHealthScore", unit=MetricUnit.Percent, value=digest.score) as metric:
        metric.add_dimension(name="community", value=digest.community_id)
    for factor, percentile in digest.percentiles.items():
        with single_metric(name="CommunityFactorPercentile", unit=MetricUnit.Percent, value=100 * percentile) as m:
            m.add_dimension(name="community", value=digest.community_id)
            m.add_dimension(name="factor", value=factor)


def _post(ports: CommunityDigestPorts, community: CommunityConfig, run: ScheduledRun) -> Digest | None:
    from talkworthy.community.chart import render_chart

    last_week = week_of(run.now) - timedelta(weeks=1)
    weeks = weekly_scores(ports.activity, community.community_id, last_week)
    if not weeks or weeks[-1].week_start != last_week:
        return None
    digest = compose_digest(community.title, community.community_id, weeks)
    if not ports.ledger.claim(community.community_id, last_week):
        return None
    try:
        chart = render_chart(f"{community.title}: community health, last {len(weeks)} weeks", weeks)
        ports.poster.post_image(
            community.digest_channel,
            digest.text,
            f"community-health-{last_week.isoformat()}.png",
            chart,
            title=f"{community.title}: community health",
            alt=f"Community health {digest.score:.0f}/100, week by week, with {', '.join(digest.movers)}",
        )
    except Exception:
        ports.ledger.release(community.community_id, last_week)
        raise
    emit_metrics(digest)
    return digest


def post_digests(ports: CommunityDigestPorts, run: ScheduledRun) -> RunReport:
    details: dict[str, str] = {}
    posted = failed = 0
    for community in ports.communities:
        try:
            digest = _post(ports, community, run)
        except TalkworthyError as err:
            failed += 1
            details[community.community_id] = f"failed: {err}"
            continue
        if digest is None:
            details[community.community_id] = "nothing to post (no activity last week, or already posted)"
            continue
        posted += 1
        details[community.community_id] = f"posted: {digest.score:.0f}/100, movers {', '.join(digest.movers)}"
    return RunReport(counts={"DigestsPosted": posted, "DigestsFailed": failed}, details=details)
