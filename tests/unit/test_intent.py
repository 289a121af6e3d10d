"""Rule-based intent: the cues it reports, negation, sarcasm, sentiment interplay, social text."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talkworthy.catalog.base import Provenance, Score
from talkworthy.catalog.mention import Intent
from talkworthy.enrichment.intent import INTENT_LABELS, classify_intent
from talkworthy.enrichment.social_text import normalize


def _sentiment(label: str, value: float) -> Score:
    return Score(
        label=label,
        value=value,
        provenance=Provenance(provider="test", model="fixed", version="0", confidence=1),
    )


@pytest.mark.parametrize(
    ("text", "label", "expected_cues"),
    [
        (
            "@AcmeSupport I can't log in since the update, please help",
            "support_request",
            {'phrase:"can\'t log in"', 'phrase:"help"', "pattern:addressed_to_support", "pattern:regression"},
        ),
        ("cant login pls help", "support_request", {'phrase:"can\'t login"', 'phrase:"help"'}),
        ("How do I export my board to PDF?", "question", {'phrase:"how do"', "pattern:question_mark"}),
        ("It would be great if Acme had a Gantt view", "idea", {'phrase:"it would be great"'}),
        ("I wish you would add a focus mode", "idea", {'phrase:"wish"'}),
        (
            "Do you offer a nonprofit discount for a team of 12?",
            "sales_lead",
            {'phrase:"do you offer"', 'phrase:"nonprofit"', "pattern:team_size"},
        ),
        (
            "Switching from TaskHive to Acme, how much for 40 seats?",
            "sales_lead",
            {'phrase:"switching from"'},
        ),
        (
            "Love the new timeline view, thanks @acme! ❤️",
            "praise",
            {'phrase:"love"', "pattern:positive_emoji"},
        ),
        ("Third outage this week. This is ridiculous.", "complaint", {'phrase:"ridiculous"'}),
        ("We're switching to TaskHive, bye Acme", "complaint", {"pattern:churn"}),
        (
            "We're hiring! Apply at https://acme.example/careers",
            "other",
            {'phrase:"we\'re hiring"', 'phrase:"apply"', "pattern:link"},
        ),
    ],
)
def test_clear_cases_get_their_label_and_report_the_cues(text: str, label: str, expected_cues: set[str]) -> None:
    result = classify_intent(text)

    assert result.label == label, result
    assert expected_cues <= set(result.cues), result.cues


def test_question_mark_about_a_purchase_counts_for_the_lead_not_the_question() -> None:
    result = classify_intent("Do you offer a nonprofit discount?")

    assert result.label == "sales_lead"
    assert "pattern:asks_about_sales_lead" in result.cues
    assert result.scores["question"] == 0.0


def test_negation_turns_a_bug_report_into_a_question() -> None:
    negated = classify_intent("Not a bug, just a question: how do I archive a project?")
    plain = classify_intent("It's a bug: the archive button does nothing.")

    assert negated.label == "question"
    assert 'negated:"bug"' in negated.evidence["support_request"]
    assert negated.scores["support_request"] == 0.0
    assert plain.label == "support_request"
    assert "pattern:malfunction" in plain.cues


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Not impressed with the new editor.", 'negated:"impressed"'),
        ("I don't love the new editor at all", 'negated:"love"'),
        ("never recommending them again", 'negated:"recommending"'),
    ],
)
def test_negated_praise_counts_as_complaint(text: str, cue: str) -> None:
    result = classify_intent(text)

    assert result.label == "complaint"
    assert cue in result.cues
    assert result.scores["praise"] == 0.0


def test_negation_stops_at_the_clause_boundary() -> None:
    result = classify_intent("It was not cheap, but I love it")

    assert result.label == "praise"
    assert 'phrase:"love"' in result.cues


def test_a_negator_inside_a_cue_does_not_negate_the_next_word() -> None:
    # "can't say enough" is itself a praise idiom; its "can't" must not negate "good"
    result = classify_intent("Can't say enough good things about Acme")

    assert result.label == "praise"
    assert {'phrase:"can\'t say enough"', 'phrase:"good"'} <= set(result.cues)


def test_sarcasm_marker_turns_praise_into_complaint() -> None:
    text = "Love how Acme logs me out every five minutes 🙄"

    result = classify_intent(text, _sentiment("positive", 0.6))

    assert result.label == "complaint"
    assert {'sarcasm:"love"', "pattern:sarcasm"} <= set(result.cues)
    assert result.scores["praise"] == 0.0


def test_negative_sentiment_boosts_complaint() -> None:
    text = "The new editor is something else."

    neutral = classify_intent(text)
    negative = classify_intent(text, _sentiment("negative", -0.8))

    assert neutral.label == "other"
    assert negative.label == "complaint"
    assert negative.cues == ["sentiment:negative"]
    assert negative.scores["complaint"] == pytest.approx(1.2)


def test_positive_sentiment_does_not_outweigh_an_ask() -> None:
    result = classify_intent("Would be awesome if Acme had a Gantt view!", _sentiment("positive", 0.9))

    assert result.label == "idea"
    assert "sentiment:positive" in result.evidence["praise"]


def test_hypothetical_thanks_is_not_praise() -> None:
    result = classify_intent("Consider adding keyboard navigation, power users will thank you")

    assert result.label == "idea"
    assert "pattern:hypothetical" in result.cues


def test_words_inside_urls_and_handles_do_not_fire_cues() -> None:
    result = classify_intent("Read this https://acme.example/help/not-working @broken_bob")

    assert result.label == "other"
    assert "support_request" not in result.evidence


@pytest.mark.parametrize("tag", ["#FeatureRequest", "#featurerequest", "#feature_request"])
def test_hashtags_are_matched_like_words(tag: str) -> None:
    result = classify_intent(f"{tag} recurring checklists in #acmeapp")

    assert result.label == "idea"
    assert any(cue.startswith('phrase:"feature') for cue in result.cues), result.cues


def test_normalize_handles_urls_handles_hashtags_emoji_and_chat_spelling() -> None:
    assert normalize("Check https://x.io/help #FeatureRequest @AcmeSupport 😡 @bob cant pls") == (
        "check <url> #feature request @support emoneg @user can't please"
    )


def test_nothing_to_go_on_is_other_with_modest_confidence() -> None:
    result = classify_intent("Acme.")

    assert result.label == "other"
    assert result.cues == []
    assert result.provenance.confidence == pytest.approx(0.632, abs=0.001)  # 1 - e^-1: baseline margin


def test_result_shape_provenance_and_catalog_block() -> None:
    result = classify_intent("@acme the app crashes on launch, please help")

    assert set(result.scores) == set(INTENT_LABELS)
    assert result.provenance.provider == "talkworthy"
    assert result.provenance.model == "intent-rules"
    assert result.provenance.version
    assert result.provenance.confidence == pytest.approx(1 - math.exp(-1.5))  # won by 1.5 points
    intent = result.to_intent()
    assert isinstance(intent, Intent)
    assert (intent.label, intent.cues) == (result.label, result.cues)


def test_confidence_is_low_when_two_labels_are_close() -> None:
    clear = classify_intent("I can't log in, please help")
    close = classify_intent("Acme charging extra for SSO, paying for this")

    assert close.provenance.confidence < clear.provenance.confidence


@given(st.text(max_size=300))
def test_any_text_gets_a_valid_result(text: str) -> None:
    result = classify_intent(text)

    assert result.label in INTENT_LABELS
    assert 0.0 <= result.provenance.confidence <= 1.0
    assert set(result.scores) == set(INTENT_LABELS)
    assert all(value >= 0 for value in result.scores.values())
