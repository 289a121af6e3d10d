"""Routing rules as data: a YAML document, validated at load, that maps an enriched mention to a decision.

Evaluation order: rules are tried top to bottom. A rule matches when every criterion it states
holds (an absent criterion matches anything; ``match: {}`` matches every mention). Evaluation ends
at the first matching rule with ``stop: true`` (the default), so the first such match wins. A
matching rule with ``stop: false`` is a fallback: it decides only if no later rule with
``stop: true`` matches, and the last such fallback wins. Nothing matched → ``default``. Every rule
that matched is listed in ``Decision.matched``.

The contact policy (:mod:`talkworthy.routing.policy`) is applied after the match: see
:meth:`RulesDocument.route`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from talkworthy.catalog.mention import IntentLabel, MentionEnriched, SentimentLabel, Tier
from talkworthy.routing.decision import Decision
from talkworthy.routing.loader import RulesError, describe_errors, parse_yaml
from talkworthy.routing.outcome import Outcome, _Strict
from talkworthy.routing.policy import ContactPolicy

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["InfluenceRange", "Match", "Rule", "RulesDocument", "SentimentRange", "load_rules"]


class SentimentRange(_Strict):
    """Inclusive bounds; give ``min``, ``max`` or both."""

    min: float | None = Field(default=None, ge=-1.0, le=1.0)
    max: float | None = Field(default=None, ge=-1.0, le=1.0)

    @model_validator(mode="after")
    def _bounded(self) -> SentimentRange:
        if self.min is None and self.max is None:
            raise ValueError("a range needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"range min {self.min} is above max {self.max}")
        return self

    def holds(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class InfluenceRange(SentimentRange):
    min: int | None = Field(default=None, ge=0, le=100)
    max: int | None = Field(default=None, ge=0, le=100)


class Match(_Strict):
    """The 'when' part of a rule. Lists mean 'any of'; all stated criteria must hold."""

    intent: list[IntentLabel] | None = Field(default=None, min_length=1)
    sentiment: list[SentimentLabel] | None = Field(default=None, min_length=1)
    segment: list[Tier] | None = Field(default=None, min_length=1)
    channel: list[Annotated[str, Field(min_length=1)]] | None = Field(
        default=None, min_length=1, description="platforms (Mention.platform): twitter, reddit, discourse"
    )
    influence: InfluenceRange | None = None
    sentiment_value: SentimentRange | None = None
    triage: bool | None = Field(
        default=None, description="true: the intent was flagged for a person (unsure, or a language not covered)"
    )

    @field_validator("channel")
    @classmethod
    def _lower(cls, channels: list[str] | None) -> list[str] | None:
        return [c.strip().lower() for c in channels] if channels is not None else None

    def evidence(self, mention: MentionEnriched) -> list[str] | None:
        """What matched, as ``criterion=value`` for the explanation; ``None`` when this does not match."""
        intent, tier, score = mention.intent.label, mention.segment.tier, mention.influence.score
        label, value, platform = mention.sentiment.label, mention.sentiment.value, mention.mention.platform
        checks: list[tuple[bool, str]] = []
        if self.intent is not None:
            checks.append((intent in self.intent, f"intent={intent}"))
        if self.sentiment is not None:
            checks.append((label in self.sentiment, f"sentiment={label}"))
        if self.segment is not None:
            checks.append((tier in self.segment, f"segment={tier}"))
        if self.channel is not None:
            checks.append((platform.lower() in self.channel, f"channel={platform}"))
        if self.influence is not None:
            checks.append((self.influence.holds(score), f"influence={score}"))
        if self.sentiment_value is not None:
            checks.append((self.sentiment_value.holds(value), f"sentiment_value={value:.2f}"))
        if self.triage is not None:
            reason = mention.intent.triage_reason
            checks.append(((reason is not None) == self.triage, f"triage={reason or 'none'}"))
        if all(ok for ok, _ in checks):
            return [shown for _, shown in checks]
        return None


class Rule(Outcome):
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$")
    description: str | None = None
    match: Match = Match()
    stop: bool = True

    @model_validator(mode="after")
    def _not_reserved(self) -> Rule:
        if self.name == "default":
            raise ValueError("the rule name 'default' is reserved for the document's default")
        return self


class RulesDocument(_Strict):
    version: Literal[1]
    rules: list[Rule]
    default: Outcome
    contact_policy: ContactPolicy

    @model_validator(mode="after")
    def _unique_names(self) -> RulesDocument:
        seen: dict[str, int] = {}
        for index, rule in enumerate(self.rules):
            if rule.name in seen:
                first = seen[rule.name]
                raise ValueError(f"duplicate rule name '{rule.name}' (rules[{first}] and rules[{index}])")
            seen[rule.name] = index
        return self

    def decide(self, mention: MentionEnriched) -> Decision:
        """The rule match alone (see the module docstring for the order); no contact policy."""
        matched: list[tuple[Rule, list[str]]] = []
        for rule in self.rules:
            evidence = rule.match.evidence(mention)
            if evidence is None:
                continue
            matched.append((rule, evidence))
            if rule.stop:
                break
        signals = {"sentiment": mention.sentiment.value, "sentiment_label": mention.sentiment.label}
        names = [rule.name for rule, _ in matched]
        if not matched:
            seen = _summary(mention)
            return self.default.decide(
                "default", f"No rule matched ({seen}); default: {self.default.describe()}.", **signals
            )
        rule, evidence = matched[-1]
        on_what = ", ".join(evidence) if evidence else "any mention"
        earlier = f" (also matched {', '.join(repr(n) for n in names[:-1])})" if len(names) > 1 else ""
        explanation = f"Rule '{rule.name}' matched {on_what}{earlier}: {rule.describe()}."
        return rule.decide(rule.name, explanation, matched=names, **signals)


def _summary(mention: MentionEnriched) -> str:
    return (
        f"intent={mention.intent.label}, segment={mention.segment.tier}, "
        f"channel={mention.mention.platform}, influence={mention.influence.score}, "
        f"sentiment={mention.sentiment.label} {mention.sentiment.value:.2f}"
    )


def load_rules(text: str) -> RulesDocument:
    """Parse and validate a YAML rules document; :class:`RulesError` lists every problem found."""
    data = parse_yaml(text)
    try:
        return RulesDocument.model_validate(data)
    except ValidationError as err:
        raw = data.get("rules")
        rules: Sequence[Any] = raw if isinstance(raw, list) else []
        raise RulesError(describe_errors(err, rules)) from err
