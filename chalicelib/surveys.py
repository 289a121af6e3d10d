"""Survey rating links: ``GET /surveys/{token}`` shows the rating preselected, only ``POST`` records it.

A mail scanner opening a link (``GET``) changes nothing: the page holds the five ratings (the
link's own checked) and an optional comment, and only its form's ``POST`` answers. The token is
signed and valid 28 days (``talkworthy.loop.survey_links``); the answer is published as
``Feedback.Received`` through the ingress's publish-once under the survey's key, so the first
answer through any of the survey's links is the only one: a replay, or another of its links,
changes nothing. Every refusal is a small HTML page with a 4xx status that says why.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from urllib.parse import parse_qs

from chalicelib.action_links import Page, _page
from chalicelib.ingress import InProgressError, PublishOnce
from chalicelib.senders.base import Inbound
from talkworthy.catalog import EventMeta, FeedbackReceived, utc_now
from talkworthy.errors import RetryableError
from talkworthy.loop.survey_links import RATINGS, SurveyAnswer, SurveyLinkSigner, survey_key
from talkworthy.notify.tokens import ExpiredLinkError, LinkError

__all__ = ["MAX_COMMENT", "SurveyPages"]

PRODUCER = "talkworthy.ingress.survey"
MAX_COMMENT = 2000
MAX_FORM_BYTES = 16_384


class SurveyPages:
    def __init__(
        self, signer: SurveyLinkSigner, publish_once: PublishOnce, clock: Callable[[], float] = time.time
    ) -> None:
        self._signer = signer
        self._publish_once = publish_once
        self._clock = clock

    def _verify(self, token: str) -> SurveyAnswer | Page:
        try:
            return self._signer.verify(token, self._clock())
        except ExpiredLinkError:
            return _page(410, "This survey has closed", "Survey links work for 28 days. Thank you all the same.")
        except LinkError:
            return _page(400, "This link is not valid", "It was changed or cut short. Nothing was recorded.")

    def page(self, token: str) -> Page:
        """The ratings, the link's own preselected, and a comment box. Reading it records nothing."""
        answer = self._verify(token)
        if isinstance(answer, Page):
            return answer
        choices = "".join(
            f'<label class="rating"><input type="radio" name="rating" value="{rating}"'
            f"{' checked' if rating == answer.rating else ''}> {html.escape(label)}</label><br>"
            for rating, label in RATINGS.items()
        )
        form = (
            f'<form method="post">{choices}'
            f'<p><label for="comment">Anything to add? (optional)</label><br>'
            f'<textarea id="comment" name="comment" rows="4" cols="48" maxlength="{MAX_COMMENT}"></textarea></p>'
            '<button id="confirm" type="submit">Send my answer</button></form>'
        )
        return _page(200, "How did we do?", f"About your request {answer.case.record_id}.", form)

    def answer(self, token: str, form: bytes, correlation_id: str) -> Page:
        """Record the rating (the form may change it) and the comment, once per survey."""
        answer = self._verify(token)
        if isinstance(answer, Page):
            return answer
        if len(form) > MAX_FORM_BYTES:
            return _page(413, "That answer is too long", f"Comments are up to {MAX_COMMENT} characters.")
        fields = parse_qs(form.decode("utf-8", errors="replace"), max_num_fields=10)
        rating_text = (fields.get("rating") or [str(answer.rating)])[0]
        comment = (fields.get("comment") or [""])[0].strip()
        if not rating_text.isdigit() or int(rating_text) not in RATINGS:
            return _page(400, "Please choose a rating", "A rating is one of the five choices. Nothing was recorded.")
        if len(comment) > MAX_COMMENT:
            return _page(413, "That answer is too long", f"Comments are up to {MAX_COMMENT} characters.")
        key = survey_key(answer.case)
        feedback = FeedbackReceived(
            meta=EventMeta(event_key=key, correlation_id=correlation_id, producer=PRODUCER, occurred_at=utc_now()),
            case=answer.case,
            profile_id=answer.profile_id,
            rating=int(rating_text),
            comment=comment or None,
            channel=answer.channel,
            segment=answer.segment,
            answered_at=utc_now(),
        )
        try:
            fresh = self._publish_once(f"survey-answer:{key}", Inbound(key, [feedback]))
        except InProgressError:
            return _page(409, "Already on its way", "Your answer is being recorded right now.")
        except RetryableError:
            return _page(503, "Try again in a minute", "Your answer could not be recorded just now.")
        if not fresh:
            return _page(409, "You have already answered", "Each survey takes one answer. Nothing more was recorded.")
        return _page(202, "Thank you!", f"We recorded {RATINGS[feedback.rating].lower()} for {answer.case.record_id}.")
