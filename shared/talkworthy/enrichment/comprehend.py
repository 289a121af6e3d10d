"""Amazon Comprehend ``DetectSentiment`` adapter for the :class:`SentimentAnalyzer` port.

The boto3 client is injected; this module never imports boto3 or builds a client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol

from talkworthy.catalog.base import Provenance, Score
from talkworthy.catalog.mention import SentimentLabel
from talkworthy.errors import InvalidInputError, PermanentError, RetryableError, TalkworthyError

__all__ = [
    "COMPREHEND_LANGUAGES",
    "COMPREHEND_MAX_BYTES",
    "ComprehendClient",
    "ComprehendSentimentAnalyzer",
    "UnsupportedLanguageError",
    "comprehend_language",
    "truncate_utf8",
]

COMPREHEND_MAX_BYTES: Final = 5000
COMPREHEND_LANGUAGES: Final = frozenset({"ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "zh", "zh-TW"})
_RETRYABLE_CODES: Final = frozenset(
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "InternalServerException",
        "ServiceUnavailableException",
    }
)
_LABELS: Final[dict[str, tuple[SentimentLabel, str]]] = {
    "POSITIVE": ("positive", "Positive"),
    "NEGATIVE": ("negative", "Negative"),
    "NEUTRAL": ("neutral", "Neutral"),
    "MIXED": ("mixed", "Mixed"),
}


class UnsupportedLanguageError(InvalidInputError):
    """The provider cannot analyse this language. The caller may fall back to another analyzer."""


class ComprehendClient(Protocol):
    """The one boto3 ``comprehend`` client method this adapter uses."""

    def detect_sentiment(self, *, Text: str, LanguageCode: str) -> Mapping[str, Any]: ...


class ComprehendSentimentAnalyzer:
    """Adapter over Amazon Comprehend ``DetectSentiment`` (the client is injected, never built here).

    - ``label``: POSITIVE/NEGATIVE/NEUTRAL/MIXED -> positive/negative/neutral/mixed.
    - ``value`` = ``SentimentScore.Positive - SentimentScore.Negative`` (in [-1, 1]).
    - ``confidence`` = the score Comprehend gave the label it chose.
    - Text over Comprehend's 5000-byte limit is cut at a UTF-8 character boundary (the opening of a
      post carries its sentiment well enough; splitting and averaging would multiply the cost).
    - ``language``: ``None`` means English (the ingress leaves it empty when the source does not
      say, and most brand mentions are English). Regional tags are reduced to the base language
      (``en-GB`` -> ``en``) except Traditional Chinese (``zh-TW``). A language Comprehend does not
      support raises :class:`UnsupportedLanguageError` rather than being analysed as English, so the
      use case decides (fall back to VADER, or record a neutral score).
    - Blank text is neutral (confidence 1.0) without calling the API.
    - Vendor errors: throttling and 5xx become :class:`RetryableError`, other API errors
      :class:`PermanentError`, connection errors :class:`RetryableError`; all ``from`` the original.
    """

    def __init__(self, client: ComprehendClient, *, api_version: str = "2017-11-27") -> None:
        self._client = client
        self._api_version = api_version

    def analyze(self, text: str, language: str | None = None) -> Score:
        code = comprehend_language(language)
        if not text.strip():
            return Score(label="neutral", value=0.0, provenance=self._provenance(1.0))
        try:
            response = self._client.detect_sentiment(Text=truncate_utf8(text), LanguageCode=code)
        except Exception as err:
            translated = _translate(err)
            if translated is None:
                raise
            raise translated from err
        try:
            label, key = _LABELS[str(response["Sentiment"])]
            scores = response["SentimentScore"]
            value = float(scores["Positive"]) - float(scores["Negative"])
            confidence = float(scores[key])
        except (KeyError, TypeError, ValueError) as err:
            raise PermanentError(f"unexpected Comprehend DetectSentiment response: {response!r}") from err
        return Score(label=label, value=max(-1.0, min(1.0, value)), provenance=self._provenance(confidence))

    def _provenance(self, confidence: float) -> Provenance:
        return Provenance(
            provider="aws-comprehend",
            model="detect_sentiment",
            version=self._api_version,
            confidence=max(0.0, min(1.0, confidence)),
        )


def comprehend_language(language: str | None) -> str:
    """The Comprehend ``LanguageCode`` for an ISO tag, or :class:`UnsupportedLanguageError`."""
    if language is None or not language.strip():
        return "en"
    tag = language.strip().replace("_", "-")
    if tag.lower() in {"zh-tw", "zh-hant"}:
        return "zh-TW"
    base = tag.split("-", 1)[0].lower()
    if base in COMPREHEND_LANGUAGES:
        return base
    raise UnsupportedLanguageError(
        f"Comprehend DetectSentiment does not support language {language!r}; "
        f"supported: {', '.join(sorted(COMPREHEND_LANGUAGES))}"
    )


def truncate_utf8(text: str, max_bytes: int = COMPREHEND_MAX_BYTES) -> str:
    """``text`` cut to at most ``max_bytes`` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    # A prefix of valid UTF-8 is valid except for a partial last character, which "ignore" drops.
    return data[:max_bytes].decode("utf-8", errors="ignore")


def _translate(err: Exception) -> TalkworthyError | None:
    """Our error for a vendor error (duck-typed botocore ``ClientError``); ``None`` if not a vendor error."""
    response = getattr(err, "response", None)
    if isinstance(response, Mapping):
        error = response.get("Error")
        code = str(error.get("Code", "")) if isinstance(error, Mapping) else ""
        if code in _RETRYABLE_CODES:
            return RetryableError(f"Comprehend DetectSentiment failed ({code}); retry later")
        if code:
            return PermanentError(f"Comprehend DetectSentiment refused the request ({code})")
    try:
        from botocore.exceptions import BotoCoreError  # already loaded whenever a real client exists
    except ImportError:  # pragma: no cover - botocore ships with boto3 and the Lambda runtime
        return None
    if isinstance(err, BotoCoreError):  # connection errors, read timeouts
        return RetryableError(f"Comprehend DetectSentiment unreachable: {type(err).__name__}")
    return None
