"""Normalising social text for rule matching: case, URLs, @handles, #hashtags, emoji, typos.

The output is lower-case English text in which:

- URLs become ``<url>`` and @handles become ``@user`` (a handle's words never match a cue), except
  that a handle naming support (``@AcmeSupport``, ``@acme_help``) becomes ``@support``;
- ``#hashtags`` keep their ``#`` and are split on camelCase and underscores (``#FeatureRequest``,
  ``#feature_request`` -> ``#feature request``), so cues match them like words;
- emoji become words: ``emopos`` (hearts, applause, party, fire...), ``emoneg`` (anger, thumbs
  down, despair), ``emoeyeroll`` (eye roll, upside-down face: sarcasm), ``emothink`` and ``please``
  (folded hands);
- common chat spellings are expanded (``cant`` -> ``can't``, ``pls`` -> ``please``, ``u`` -> ``you``,
  ``thx`` -> ``thanks``, ``hlp`` -> ``help``) and curly quotes straightened.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["normalize"]

_POSITIVE_EMOJI: Final = "❤💙💚💜🧡💛🖤🤍😍🥰😊🙂😀😃😄😁🙌👏👍🎉🥳💯🔥⭐🌟✨👌🤩😎🏆💪🫶😻🤗"
_NEGATIVE_EMOJI: Final = "😡🤬😠😤👎💩🤮😒😩😫😞😔😢😰😱😖🤦☹🙁😣😑"
_EMOJI_WORDS: Final[dict[str, str]] = {
    **dict.fromkeys(_POSITIVE_EMOJI, " emopos "),
    **dict.fromkeys(_NEGATIVE_EMOJI, " emoneg "),
    **dict.fromkeys("🙄🙃", " emoeyeroll "),
    "🤔": " emothink ",
    "🙏": " please ",
}
_EMOJI = re.compile("|".join(map(re.escape, _EMOJI_WORDS)))
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@(\w{1,50})")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_QUOTES: Final = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u00b4": "'", "`": "'", "\u201c": '"', "\u201d": '"', "\ufe0f": None}
)
_SPELLINGS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(can|won|don|doesn|isn|aren|didn|couldn|wouldn|shouldn|haven|hasn|wasn|weren)t\b", r"\1't"),
        (r"\bim\b", "i'm"),
        (r"\bive\b", "i've"),
        (r"\b(?:pls|plz|plse|pleez)\b", "please"),
        (r"\b(?:thx|thnx|thanx|tysm|ty)\b", "thanks"),
        (r"\bu\b", "you"),
        (r"\bur\b", "your"),
        (r"\b(?:hlp|halp|help{2,})\b", "help"),
        (r"\bw/", "with "),
        (r"&", " and "),
    )
)


def _handle(match: re.Match[str]) -> str:
    name = match.group(1).lower()
    return " @support " if ("support" in name or "help" in name or "care" in name) else " @user "


def _hashtag(match: re.Match[str]) -> str:
    return "#" + _CAMEL.sub(" ", match.group(1)).replace("_", " ").strip()


def normalize(text: str) -> str:
    """Lower-case, rule-friendly form of a social post (see the module docstring)."""
    out = text.translate(_QUOTES)
    out = _URL.sub(" <url> ", out)
    out = _HANDLE.sub(_handle, out)
    out = _HASHTAG.sub(_hashtag, out)
    out = _EMOJI.sub(lambda m: _EMOJI_WORDS[m.group(0)], out).lower()
    for pattern, replacement in _SPELLINGS:
        out = pattern.sub(replacement, out)
    return _SPACES.sub(" ", out).strip()
