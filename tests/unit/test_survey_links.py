"""Survey links: the page records nothing, one answer per survey; forged, replayed, expired change nothing."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from chalicelib.senders.base import Inbound
from chalicelib.surveys import SurveyPages
from talkworthy.catalog import FeedbackReceived, RecordRef, Target
from talkworthy.loop.survey_links import SURVEY_TTL_SECONDS, SurveyAnswer, SurveyLinkSigner
from talkworthy.notify.links import ActionLinkSigner

NOW = 1_800_000_000.0
KEY = b"k" * 32
CASE = RecordRef(system="dynamodb", record_id="case-5f2e")
SURVEY = SurveyAnswer(CASE, 5, "prf_dana", "twitter", "vip")


class PublishOnce:
    def __init__(self) -> None:
        self.published: dict[str, Inbound] = {}

    def __call__(self, key: str, item: Inbound) -> bool:
        if key in self.published:
            return False
        self.published[key] = item
        return True


def _pages(now: float = NOW) -> tuple[SurveyPages, PublishOnce, dict[int, str]]:
    signer = SurveyLinkSigner([KEY])
    once = PublishOnce()
    tokens = {rating: url.rsplit("/", 1)[1] for rating, url in signer.links("https://in.example", SURVEY, NOW).items()}
    return SurveyPages(signer, once, clock=lambda: now), once, tokens


def _form(**fields: str) -> bytes:
    return urlencode(fields).encode()


def test_the_page_preselects_the_clicked_rating_and_records_nothing() -> None:
    pages, once, tokens = _pages()
    page = pages.page(tokens[4])
    assert page.status == 200
    assert 'value="4" checked' in page.body
    assert page.body.count(" checked") == 1
    assert 'method="post"' in page.body
    assert 'name="comment"' in page.body
    assert once.published == {}


def test_the_answer_is_recorded_once_with_the_comment_and_the_rating_chosen_on_the_page() -> None:
    pages, once, tokens = _pages()
    assert pages.answer(tokens[4], _form(rating="3", comment="  Fixed, but slowly.  "), "req-1").status == 202
    [(key, item)] = once.published.items()
    [feedback] = item.details
    assert isinstance(feedback, FeedbackReceived)
    assert (feedback.rating, feedback.comment, feedback.channel, feedback.segment) == (
        3,
        "Fixed, but slowly.",
        "twitter",
        "vip",
    )
    assert (feedback.case, feedback.profile_id, feedback.meta.event_key) == (
        CASE,
        "prf_dana",
        "survey:dynamodb:case-5f2e",
    )
    assert key == "survey-answer:survey:dynamodb:case-5f2e"


@pytest.mark.parametrize("second", [4, 1])
def test_a_replayed_link_or_another_link_of_the_same_survey_changes_nothing(second: int) -> None:
    pages, once, tokens = _pages()
    assert pages.answer(tokens[4], _form(), "req-1").status == 202
    replay = pages.answer(tokens[second], _form(rating=str(second)), "req-2")
    assert (replay.status, "already answered" in replay.body) == (409, True)
    [(_, item)] = once.published.items()
    assert item.details[0].rating == 4  # type: ignore[attr-defined]


def test_a_forged_link_changes_nothing() -> None:
    pages, once, tokens = _pages()
    segment, signature = tokens[5].split(".")
    forged_rating = SurveyLinkSigner([b"x" * 32]).token(SURVEY, NOW)  # signed with a key we never issued
    flipped = f"{segment}.{signature[:-2]}{'A' if signature[-2] != 'A' else 'B'}{signature[-1]}"
    action_link = ActionLinkSigner([KEY], 3600).token("dismiss", Target(kind="case", id="case-5f2e"), "a@b.c", NOW)
    for token in (forged_rating, flipped, action_link, "not-a-token", segment):
        assert pages.page(token).status == 400
        assert pages.answer(token, _form(rating="1"), "req").status == 400
    assert once.published == {}


def test_an_expired_link_changes_nothing() -> None:
    pages, once, tokens = _pages(now=NOW + SURVEY_TTL_SECONDS)
    assert pages.page(tokens[5]).status == 410
    assert pages.answer(tokens[5], _form(), "req").status == 410
    assert once.published == {}
    still, _, _ = _pages(now=NOW + SURVEY_TTL_SECONDS - 1)
    assert still.page(tokens[5]).status == 200  # valid for 28 days


@pytest.mark.parametrize(
    ("form", "status"),
    [(_form(rating="6"), 400), (_form(rating="four"), 400), (_form(comment="x" * 2001), 413), (b"x" * 20_000, 413)],
)
def test_a_bad_answer_is_refused_with_a_reason_and_records_nothing(form: bytes, status: int) -> None:
    pages, once, tokens = _pages()
    assert pages.answer(tokens[5], form, "req").status == status
    assert once.published == {}
