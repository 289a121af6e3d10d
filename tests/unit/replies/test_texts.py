"""The packaged reply texts: every outcome per channel, and no survey link in public."""

from __future__ import annotations

import pytest

from talkworthy.replies.social import MAX_LENGTH
from talkworthy.replies.texts import PUBLIC_CHANNELS, ReplyTexts, load_texts


@pytest.mark.parametrize("channel", ["social", "community", "email"])
@pytest.mark.parametrize("outcome", ["ticket_solved", "ticket_closed", "idea_acknowledged", "idea_status"])
def test_every_channel_has_every_outcome_and_fits(channel: str, outcome: str) -> None:
    text = load_texts().render(
        channel,
        outcome,
        name="@dana_w",
        case_ref="case-5f2e",
        idea_title="Offline mode for the iOS app",  # type: ignore[arg-type]
        status="planned",
        **({} if channel in PUBLIC_CHANNELS else {"survey_link": "https://x/s/1"}),
    )
    assert text
    assert "{" not in text
    if channel == "social":
        assert len(text) <= MAX_LENGTH


def test_a_public_template_asking_for_a_survey_link_is_refused_when_loaded() -> None:
    with pytest.raises(ValueError, match="never carries a survey link"):
        ReplyTexts({"community": {"ticket_solved": "Thanks! Rate us: {survey_link}"}})


def test_a_survey_link_is_refused_for_a_public_reply() -> None:
    with pytest.raises(ValueError, match="public"):
        load_texts().render("social", "ticket_solved", name="x", survey_link="https://x/s/1")


def test_the_survey_email_carries_the_survey_link_and_the_solved_reply_does_not() -> None:
    texts = load_texts()
    assert "https://x/s/1" in texts.render("email", "survey", name="Dana", case_ref="c-1", survey_link="https://x/s/1")
    solved = texts.render("email", "ticket_solved", name="Dana", case_ref="c-1", survey_link="https://x/s/1")
    assert "https://x/s/1" not in solved


def test_only_email_has_a_survey_outcome() -> None:
    texts = load_texts()
    assert texts.render("email", "survey", name="Dana", case_ref="c-1", survey_link="L")
    for channel in PUBLIC_CHANNELS:
        with pytest.raises(KeyError):
            texts.render(channel, "survey", name="Dana")  # type: ignore[arg-type]


def test_unknown_placeholders_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown placeholders"):
        ReplyTexts({"email": {"ticket_solved": "Hi {first_name}"}})
