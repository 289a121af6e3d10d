"""One-click rating links for the satisfaction survey: signed, valid 28 days, one answer per survey.

Each link carries a rating (1-5) and what the answer is about: the case, the profile, the channel
the case came from and the customer's segment (``Feedback.Received`` is measured per channel and
segment). The tokens use their own context (``notify/tokens.py``), so an action link never passes
as a rating and a rating never as an action. The ingress makes them single-use: the answer is
published once per survey (``survey_key``), so the survey's other links die with the first used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from talkworthy.catalog.cases import RecordRef
from talkworthy.notify.tokens import MalformedLinkError, TokenSigner

__all__ = ["RATINGS", "SURVEY_TTL_SECONDS", "SurveyAnswer", "SurveyLinkSigner", "survey_key"]

SURVEY_TTL_SECONDS = 28 * 24 * 3600
RATINGS: dict[int, str] = {5: "Excellent", 4: "Good", 3: "OK", 2: "Poor", 1: "Very poor"}
_CONTEXT = b"talkworthy.survey.v1:"


@dataclass(frozen=True)
class SurveyAnswer:
    """What a genuine rating link says: the rating it preselects and the survey it belongs to."""

    case: RecordRef
    rating: int
    profile_id: str | None
    channel: str
    segment: str | None


def survey_key(case: RecordRef) -> str:
    """The one answer a survey takes, whichever of its links is used."""
    return f"survey:{case.system}:{case.record_id}"


class SurveyLinkSigner:
    def __init__(self, keys: Sequence[bytes], ttl_seconds: int = SURVEY_TTL_SECONDS) -> None:
        self._tokens = TokenSigner(keys, ttl_seconds, _CONTEXT)

    def token(self, answer: SurveyAnswer, now: float) -> str:
        payload = {
            "s": answer.case.system,
            "i": answer.case.record_id,
            "r": answer.rating,
            "p": answer.profile_id,
            "ch": answer.channel,
            "sg": answer.segment,
        }
        return self._tokens.sign(payload, now)

    def verify(self, token: str, now: float) -> SurveyAnswer:
        payload = self._tokens.verify(token, now)
        system, record_id, rating = payload.get("s"), payload.get("i"), payload.get("r")
        profile, channel, segment = payload.get("p"), payload.get("ch"), payload.get("sg")
        if (
            not isinstance(system, str)
            or not isinstance(record_id, str)
            or type(rating) is not int
            or rating not in RATINGS
            or not isinstance(channel, str)
            or not isinstance(profile, str | None)
            or not isinstance(segment, str | None)
        ):
            raise MalformedLinkError("survey token payload is invalid")
        return SurveyAnswer(RecordRef(system=system, record_id=record_id), rating, profile, channel, segment)

    def links(self, base_url: str, survey: SurveyAnswer, now: float) -> dict[int, str]:
        """One signed URL per rating, best first: ``{base_url}/surveys/{token}``."""
        base = base_url.rstrip("/")
        return {rating: f"{base}/surveys/{self.token(replace(survey, rating=rating), now)}" for rating in RATINGS}
