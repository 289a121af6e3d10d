"""Sentiment analyzers: VADER default, the Comprehend adapter (with a recording fake), the selector."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from hypothesis import given
from hypothesis import strategies as st

from talkworthy.enrichment.comprehend import (
    COMPREHEND_MAX_BYTES,
    ComprehendSentimentAnalyzer,
    UnsupportedLanguageError,
    truncate_utf8,
)
from talkworthy.enrichment.sentiment import (
    SentimentAnalyzer,
    VaderSentimentAnalyzer,
    select_sentiment_analyzer,
)
from talkworthy.errors import ConfigurationError, InvalidInputError, PermanentError, RetryableError

SHARED = Path(__file__).resolve().parents[2] / "shared"

# --- VADER ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vader() -> VaderSentimentAnalyzer:
    return VaderSentimentAnalyzer()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I absolutely love the new Acme timeline, great job team! 😍", "positive"),
        ("Thanks @acme, support fixed it in minutes. Brilliant!", "positive"),
        ("Acme is down AGAIN. Worst app ever, I hate it 😡", "negative"),
        ("Terrible support, nobody answered for a week. Awful.", "negative"),
        ("The meeting is on Tuesday at 3pm in room 4.", "neutral"),
        ("Acme released version 4.2 today.", "neutral"),
    ],
)
def test_vader_labels_clear_texts(vader: VaderSentimentAnalyzer, text: str, label: str) -> None:
    score = vader.analyze(text)

    assert score.label == label
    if label == "positive":
        assert score.value >= 0.05
    elif label == "negative":
        assert score.value <= -0.05
    else:
        assert -0.05 < score.value < 0.05


def test_vader_provenance_is_filled(vader: VaderSentimentAnalyzer) -> None:
    score = vader.analyze("Love it")

    assert score.provenance.provider == "vader"
    assert score.provenance.model == "vaderSentiment"
    assert score.provenance.version == "3.3.2"
    assert 0.5 <= score.provenance.confidence <= 1.0


def test_vader_confidence_grows_with_distance_from_the_boundary(vader: VaderSentimentAnalyzer) -> None:
    mild = vader.analyze("It's okay I guess, pretty decent")
    strong = vader.analyze("I love it!!! Amazing, wonderful, the best app ever 😍")
    flat = vader.analyze("The meeting is on Tuesday.")

    assert mild.label == strong.label == "positive"
    assert mild.provenance.confidence < strong.provenance.confidence
    assert flat.provenance.confidence == 1.0  # compound exactly 0: as neutral as it gets


def test_importing_the_package_builds_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "import talkworthy.enrichment as e\n"
        "e.VaderSentimentAnalyzer()\n"
        "roots = {'boto3', 'botocore', 'vaderSentiment'}\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in roots)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=SHARED, check=True)  # noqa: S603


# --- Comprehend -----------------------------------------------------------------------------------


@dataclass
class FakeComprehend:
    """Records every call and answers with a canned response (or raises)."""

    sentiment: str = "POSITIVE"
    scores: Mapping[str, float] = field(
        default_factory=lambda: {"Positive": 0.9, "Negative": 0.02, "Neutral": 0.07, "Mixed": 0.01}
    )
    error: Exception | None = None
    calls: list[dict[str, str]] = field(default_factory=list)

    def detect_sentiment(self, *, Text: str, LanguageCode: str) -> Mapping[str, Any]:
        self.calls.append({"Text": Text, "LanguageCode": LanguageCode})
        if self.error is not None:
            raise self.error
        return {"Sentiment": self.sentiment, "SentimentScore": dict(self.scores)}


@pytest.mark.parametrize(
    ("sentiment", "scores", "label", "value", "confidence"),
    [
        (
            "POSITIVE",
            {"Positive": 0.9, "Negative": 0.02, "Neutral": 0.07, "Mixed": 0.01},
            "positive",
            0.88,
            0.9,
        ),
        (
            "NEGATIVE",
            {"Positive": 0.05, "Negative": 0.8, "Neutral": 0.1, "Mixed": 0.05},
            "negative",
            -0.75,
            0.8,
        ),
        ("NEUTRAL", {"Positive": 0.1, "Negative": 0.1, "Neutral": 0.75, "Mixed": 0.05}, "neutral", 0.0, 0.75),
        ("MIXED", {"Positive": 0.3, "Negative": 0.35, "Neutral": 0.05, "Mixed": 0.3}, "mixed", -0.05, 0.3),
    ],
)
def test_comprehend_maps_label_value_and_confidence(
    sentiment: str, scores: dict[str, float], label: str, value: float, confidence: float
) -> None:
    client = FakeComprehend(sentiment=sentiment, scores=scores)

    score = ComprehendSentimentAnalyzer(client).analyze("some post")

    assert score.label == label
    assert score.value == pytest.approx(value)
    assert score.provenance.confidence == pytest.approx(confidence)
    assert (score.provenance.provider, score.provenance.model) == ("aws-comprehend", "detect_sentiment")
    assert client.calls == [{"Text": "some post", "LanguageCode": "en"}]


@pytest.mark.parametrize(
    ("language", "code"), [(None, "en"), ("en", "en"), ("de-AT", "de"), ("pt_BR", "pt"), ("zh-TW", "zh-TW")]
)
def test_comprehend_language_code(language: str | None, code: str) -> None:
    client = FakeComprehend()

    ComprehendSentimentAnalyzer(client).analyze("hello", language)

    assert client.calls[0]["LanguageCode"] == code


def test_comprehend_unsupported_language_raises_before_calling() -> None:
    client = FakeComprehend()

    with pytest.raises(UnsupportedLanguageError, match="'nl'") as caught:
        ComprehendSentimentAnalyzer(client).analyze("Wat een mooie app", "nl")

    assert isinstance(caught.value, InvalidInputError)
    assert client.calls == []


@pytest.mark.parametrize(
    ("text", "char_bytes"),
    [("a" + "é" * 3000, 2), ("ab" + "€" * 2000, 3), ("x" + "😀" * 1300, 4), ("plain ascii " * 500, 1)],
)
def test_comprehend_truncates_to_5000_bytes_without_splitting_a_character(text: str, char_bytes: int) -> None:
    client = FakeComprehend()

    ComprehendSentimentAnalyzer(client).analyze(text)

    sent = client.calls[0]["Text"]
    size = len(sent.encode("utf-8"))
    assert len(text.encode("utf-8")) > COMPREHEND_MAX_BYTES
    assert COMPREHEND_MAX_BYTES - char_bytes < size <= COMPREHEND_MAX_BYTES
    assert text.startswith(sent)


def test_comprehend_short_text_is_sent_unchanged() -> None:
    client = FakeComprehend()

    ComprehendSentimentAnalyzer(client).analyze("Acme rocks 🚀")

    assert client.calls[0]["Text"] == "Acme rocks 🚀"


@given(st.text(max_size=3000), st.integers(min_value=0, max_value=50))
def test_truncate_utf8_is_a_valid_prefix_within_the_limit(text: str, limit: int) -> None:
    cut = truncate_utf8(text, limit)

    assert text.startswith(cut)
    if len(text.encode("utf-8")) <= limit:
        assert cut == text
    else:
        assert limit - 4 < len(cut.encode("utf-8")) <= limit  # at most one (<= 4-byte) character dropped


def test_comprehend_blank_text_is_neutral_without_a_call() -> None:
    client = FakeComprehend()

    score = ComprehendSentimentAnalyzer(client).analyze("   ")

    assert (score.label, score.value) == ("neutral", 0.0)
    assert client.calls == []


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "nope"}}, "DetectSentiment")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_client_error("ThrottlingException"), RetryableError),
        (_client_error("InternalServerException"), RetryableError),
        (_client_error("TextSizeLimitExceededException"), PermanentError),
        (_client_error("AccessDeniedException"), PermanentError),
        (EndpointConnectionError(endpoint_url="https://comprehend.eu-west-1.amazonaws.com"), RetryableError),
    ],
)
def test_comprehend_vendor_errors_are_translated(error: Exception, expected: type[Exception]) -> None:
    analyzer = ComprehendSentimentAnalyzer(FakeComprehend(error=error))

    with pytest.raises(expected) as caught:
        analyzer.analyze("hello")

    assert caught.value.__cause__ is error


def test_comprehend_programming_errors_are_not_disguised() -> None:
    analyzer = ComprehendSentimentAnalyzer(FakeComprehend(error=TypeError("bad call")))

    with pytest.raises(TypeError, match="bad call"):
        analyzer.analyze("hello")


def test_comprehend_unexpected_response_is_a_permanent_error() -> None:
    analyzer = ComprehendSentimentAnalyzer(FakeComprehend(sentiment="ECSTATIC"))

    with pytest.raises(PermanentError, match="unexpected"):
        analyzer.analyze("hello")


# --- selection ------------------------------------------------------------------------------------


def test_select_vader_never_builds_a_client() -> None:
    def factory() -> Any:
        raise AssertionError("client factory must not be called for VADER")

    analyzer: SentimentAnalyzer = select_sentiment_analyzer("vader", factory)

    assert isinstance(analyzer, VaderSentimentAnalyzer)


def test_select_comprehend_builds_the_client_once() -> None:
    made: list[FakeComprehend] = []

    def factory() -> FakeComprehend:
        made.append(FakeComprehend())
        return made[-1]

    analyzer = select_sentiment_analyzer(" Comprehend ", factory)
    analyzer.analyze("hello")

    assert isinstance(analyzer, ComprehendSentimentAnalyzer)
    assert len(made) == 1
    assert made[0].calls == [{"Text": "hello", "LanguageCode": "en"}]


def test_select_unknown_provider_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="textblob"):
        select_sentiment_analyzer("textblob", lambda: None)
