"""The learned intent model: pure-Python scoring, calibration, explanations, triage, language, selection."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talkworthy.catalog.base import Provenance, Score
from talkworthy.enrichment.intent import INTENT_LABELS
from talkworthy.enrichment.intent_classifier import (
    CuesIntentClassifier,
    LearnedIntentClassifier,
    select_intent_classifier,
)
from talkworthy.enrichment.intent_features import FEATURES_VERSION, extract
from talkworthy.enrichment.intent_model import MODEL_FORMAT, IntentModel, load_packaged_model
from talkworthy.enrichment.intent_model_source import PackagedIntentModel
from talkworthy.enrichment.language import guess_language
from talkworthy.errors import ConfigurationError

LABELS = list(INTENT_LABELS)


def _row(**by_label: float) -> list[int]:
    return [round(by_label.get(label, 0.0) * 1000) for label in LABELS]


def _document(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "features_version": FEATURES_VERSION,
        "version": "test-1",
        "labels": LABELS,
        "intercept": [0.0] * len(LABELS),
        "temperature": 2.0,
        "threshold": 0.6,
        "weight_scale": 0.001,
        "weights": {
            "w:refund": _row(support_request=4.0),
            "w:not_impressed": _row(complaint=3.0),
            "b:charged twice": _row(support_request=2.0),
            "sent:negative": _row(complaint=1.0),
        },
    }
    doc.update(overrides)
    return doc


def _model(**overrides: Any) -> IntentModel:
    return IntentModel.from_json(json.dumps(_document(**overrides)))


def _negative() -> Score:
    return Score(
        label="negative", value=-0.6, provenance=Provenance(provider="t", model="t", version="0", confidence=1)
    )


def _expected_probabilities(text: str, model: IntentModel, sentiment: Score | None = None) -> list[float]:
    logits = list(model.intercept)
    for name, value, _source in extract(text, sentiment):
        for i, weight in enumerate(model.weights.get(name, [0.0] * len(LABELS))):
            logits[i] += value * weight
    exps = [math.exp(z / model.temperature) for z in logits]
    return [e / sum(exps) for e in exps]


def test_probabilities_are_the_tempered_softmax_of_the_linear_scores() -> None:
    model = _model()
    text = "I want a refund"

    result = model.classify(text)

    expected = _expected_probabilities(text, model)
    assert result.label == "support_request"
    assert result.provenance.confidence == pytest.approx(max(expected), abs=1e-4)
    assert result.scores["support_request"] == pytest.approx(expected[LABELS.index("support_request")], abs=1e-4)
    assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert result.provenance.model == "intent-linear"
    assert result.provenance.version == "test-1"


def test_a_higher_temperature_lowers_confidence_without_changing_the_label() -> None:
    sharp, soft = _model(temperature=0.5), _model(temperature=4.0)

    a, b = sharp.classify("refund please"), soft.classify("refund please")

    assert a.label == b.label == "support_request"
    assert a.provenance.confidence > b.provenance.confidence


def test_the_cues_are_the_features_that_pushed_the_chosen_label() -> None:
    model = _model()

    result = model.classify("Not impressed: I was charged twice, I need a refund", _negative())

    assert result.label == "support_request"
    assert result.cues[:2] == ['word:"refund"', 'phrase:"charged twice"']
    assert 'negated:"impressed"' not in result.cues  # it pushed complaint, the runner-up
    assert result.runner_up == "complaint"
    assert result.runner_up_confidence == pytest.approx(result.scores["complaint"])


def test_below_the_threshold_the_result_is_marked_for_triage_with_the_runner_up() -> None:
    model = _model(threshold=0.9)

    unsure = model.classify("not impressed", _negative())
    sure = _model(threshold=0.1).classify("not impressed", _negative())

    assert unsure.label == "complaint"
    assert unsure.triage_reason == "low_confidence"
    assert unsure.runner_up is not None
    assert unsure.runner_up != unsure.label
    assert sure.triage_reason is None
    intent = unsure.to_intent()
    assert (intent.triage_reason, intent.runner_up) == ("low_confidence", unsure.runner_up)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"format": "other/1"}, "format"),
        ({"features_version": "0"}, "features version"),
        ({"labels": LABELS[:-1]}, "labels"),
        ({"intercept": [0.0]}, "one value per label"),
        ({"temperature": 0}, "temperature"),
        ({"threshold": 1.5}, "threshold"),
    ],
)
def test_a_malformed_model_is_refused_with_the_reason(change: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        _model(**change)


def test_not_json_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="invalid intent model"):
        IntentModel.from_json("{not json")


def test_negation_marks_the_words_that_follow_within_the_clause() -> None:
    names = {name for name, _, _ in extract("not impressed, love the timeline")}

    assert "w:not_impressed" in names
    assert "w:love" in names
    assert "w:not_love" not in names


def test_typos_share_character_grams_with_the_correct_spelling() -> None:
    grams = {name for name, _, _ in extract("refund") if name.startswith("c:")}
    typo = {name for name, _, _ in extract("refnud") if name.startswith("c:")}

    assert grams & typo  # " re", " ref" survive the swap


def _contrast(text: str, sentiment: Score | None = None) -> dict[str, float]:
    return {name: value for name, value, _ in extract(text, sentiment) if name.startswith("x:")}


def _positive() -> Score:
    return Score(label="positive", value=0.6, provenance=Provenance(provider="t", model="t", version="0", confidence=1))


def test_praise_beside_a_stated_problem_is_its_own_feature_and_plain_praise_has_none() -> None:
    sarcastic = _contrast("great job acme, third outage this week", _positive())
    waiting = _contrast("love how support replies are so fast (it's been 11 days)", _positive())
    sincere = _contrast("great job acme, the new timeline is lovely", _positive())

    assert sarcastic["x:praise_beside_trouble"] == 1.0
    assert sarcastic["x:positive_beside_trouble"] == 1.0
    assert sarcastic["x:problem"] == pytest.approx(2 / 3)  # "third", "outage"
    assert "x:praise_beside_trouble" in waiting  # a span of time is trouble too
    assert sincere == {}


def test_a_denied_or_fixed_problem_and_scare_quotes_are_told_apart() -> None:
    assert "x:problem_negated" in _contrast("acme never crashes on me")
    assert "x:problem" not in _contrast("acme never crashes on me")
    assert "x:problem_resolved" in _contrast("support restored the deleted board in minutes")
    assert "x:scare_quotes" in _contrast('thanks for the "fix" acme')
    assert "x:scare_quotes" not in _contrast('G2: "we moved our whole agency to acme last spring and love it"')


def _shape(text: str) -> set[str]:
    return {name for name, _, _ in extract(text) if name.split(":")[0] in {"x", "e", "s", "n"}}


def test_a_complaint_told_with_no_complaint_word_has_its_shape_features() -> None:
    story = _shape("ordered on the 3rd, tracking hasn't moved since")
    asked = _shape("ordered on the 3rd, tracking hasn't moved since. can you check?")
    venting = _shape("why does acme need 4 clicks to mark something done")

    assert {"x:span", "x:span_no_ask", "x:trouble_no_ask", "n:the #rd"} <= story
    assert "x:span" in asked
    assert not {"x:span_no_ask", "x:trouble_no_ask"} & asked
    assert {"x:rhetorical", "n:# clicks"} <= venting
    assert "x:first_person_trouble" in _shape("my tasks are gone")
    assert {"e:trouble", "e:only"} <= _shape("acme app rn 🐌🐌🐌")
    assert "e:only" not in _shape("acme app rn 🐌 and the widget is stuck on yesterday's tasks")
    assert {"s:elongated", "s:repeated_punctuation"} <= _shape("acme is soooo slow today!!")
    assert _shape("great job acme, the new timeline is lovely") == set()


def test_the_packaged_model_reads_a_sarcastic_complaint_as_a_complaint_and_says_why() -> None:
    model = load_packaged_model()

    result = model.classify("Oh wonderful, Acme deleted my board again. Truly stellar work 🙄")

    assert result.label == "complaint"
    assert result.cues, result
    assert len(result.cues) <= 5


def test_the_packaged_model_keeps_a_mixed_post_with_an_ask_as_a_support_request() -> None:
    result = load_packaged_model().classify("love the app but I was charged twice this month, please refund one")

    assert result.label == "support_request"


@given(st.text(max_size=300))
def test_any_text_gets_a_valid_calibrated_result(text: str) -> None:
    result = load_packaged_model().classify(text)

    assert result.label in INTENT_LABELS
    assert 0.0 <= result.provenance.confidence <= 1.0
    assert result.runner_up in INTENT_LABELS
    assert result.runner_up != result.label
    assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-2)


# --- language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ich kann mich seit gestern nicht mehr einloggen, bitte helfen Sie mir", "de"),
        ("Je ne peux pas me connecter depuis la mise à jour, pouvez vous m'aider ?", "fr"),
        ("No puedo exportar mi tablero, me da un error. Gracias por la ayuda", "es"),
        ("Guten Tag, since the update I can not login anymore, please can you help me", "en"),
        ("acme", "en"),
    ],
)
def test_the_light_detector_names_the_language_only_when_it_is_clear(text: str, language: str) -> None:
    assert guess_language(text) == language


@pytest.mark.parametrize("classifier", [CuesIntentClassifier(), LearnedIntentClassifier(PackagedIntentModel())])
def test_a_post_in_a_language_not_covered_is_flagged_never_silently_classified(classifier: Any) -> None:
    german = classifier.classify("Ich kann mich seit gestern nicht mehr einloggen, bitte helfen Sie mir")
    tagged = classifier.classify("The export fails", None, "pt-BR")
    english = classifier.classify("The export fails every time, please help", None, "en")

    assert (german.triage_reason, german.language) == ("unsupported_language", "de")
    assert (tagged.triage_reason, tagged.language) == ("unsupported_language", "pt")
    assert english.language is None
    assert english.triage_reason != "unsupported_language"


def test_the_classifier_is_chosen_by_name_and_the_model_source_only_built_when_learned() -> None:
    built: list[str] = []

    def models() -> PackagedIntentModel:
        built.append("models")
        return PackagedIntentModel()

    assert isinstance(select_intent_classifier("cues", models), CuesIntentClassifier)
    assert built == []
    assert isinstance(select_intent_classifier(" Learned ", models), LearnedIntentClassifier)
    assert built == ["models"]
    with pytest.raises(ConfigurationError, match="expected 'cues' or 'learned'"):
        select_intent_classifier("bert", models)
