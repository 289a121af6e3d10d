"""The contact policy: no sales outreach to someone who is hurting or waiting on us.

Applied after the rule match. A decision that is *sales* (``flag_lead``, or a rule tagged ``sales``)
is held back when any enabled block condition holds:

* the person has an open case (``open_case:<n>``),
* they had a support contact within the quiet period (``support_contact_within:<N>d``),
* the mention is negative (``negative_sentiment:<value>``): label ``negative`` or a value below
  ``negative_sentiment_below``.

A held-back decision becomes the policy's ``care_fallback`` (e.g. notify the care channel), keeps
the matched rule's name, and records ``original_action`` and every reason in ``suppressed``.
Anything that is not sales passes through untouched, so a support action never turns into sales.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from talkworthy.routing.decision import SALES_TAG, Decision
from talkworthy.routing.outcome import Outcome

__all__ = ["ContactContext", "ContactPolicy"]


class ContactContext(BaseModel):
    """What we know about the person right now, from the case store and the profile."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    open_cases: int = Field(ge=0)
    last_support_at: AwareDatetime | None = None
    now: AwareDatetime


class ContactPolicy(BaseModel):
    """The ``contact_policy`` block of a rules document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    quiet_days_after_support: int = Field(ge=0, description="0 turns the quiet period off")
    block_on_open_case: bool
    block_on_negative_sentiment: bool
    negative_sentiment_below: float = Field(default=-0.25, ge=-1.0, le=1.0)
    care_fallback: Outcome

    @field_validator("care_fallback")
    @classmethod
    def _not_sales(cls, fallback: Outcome) -> Outcome:
        if fallback.action == "flag_lead" or SALES_TAG in fallback.tags:
            raise ValueError("care_fallback must be a care action, not sales (flag_lead or tagged sales)")
        return fallback

    def reasons(self, decision: Decision, context: ContactContext) -> list[str]:
        """Every block condition that holds, as ``kind:detail``; empty when outreach is fine."""
        found: list[str] = []
        if self.block_on_open_case and context.open_cases > 0:
            found.append(f"open_case:{context.open_cases}")
        quiet = timedelta(days=self.quiet_days_after_support)
        if quiet and context.last_support_at is not None and context.now - context.last_support_at < quiet:
            found.append(f"support_contact_within:{self.quiet_days_after_support}d")
        if self.block_on_negative_sentiment and self.is_negative(decision):
            value = decision.sentiment
            found.append(f"negative_sentiment:{value:.2f}" if value is not None else "negative_sentiment")
        return found

    def is_negative(self, decision: Decision) -> bool:
        by_value = decision.sentiment is not None and decision.sentiment < self.negative_sentiment_below
        return decision.sentiment_label == "negative" or by_value

    def apply(self, decision: Decision, context: ContactContext) -> Decision:
        if not decision.is_sales:
            return decision
        reasons = self.reasons(decision, context)
        if not reasons:
            return decision
        fallback = self.care_fallback
        explanation = (
            f"{decision.explanation} Sales outreach held back ({', '.join(reasons)}): {fallback.describe()} instead."
        )
        return fallback.decide(
            decision.rule,
            explanation,
            matched=decision.matched,
            suppressed=[*decision.suppressed, *reasons],
            original_action=decision.action,
            sentiment=decision.sentiment,
            sentiment_label=decision.sentiment_label,
        )
