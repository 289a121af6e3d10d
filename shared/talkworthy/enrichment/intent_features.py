"""Features of a post for the learned intent model, in pure Python: one code path for training and serving.

The trainer (``infra/intent``) and the layer call the same :func:`extract`, so what the model was
trained on is exactly what it sees in production. Every feature carries the words it came from, so
the model can say which parts of the post decided its label.

Groups (each sparse group is scaled to unit length, so a long post does not outvote a short one):

- ``w:<word>`` words of the normalised text (:func:`~talkworthy.enrichment.social_text.normalize`:
  emoji as ``emopos``/``emoneg``/``emoeyeroll``, ``#tags`` split, chat spellings expanded); a word
  within three words after a negator in the same clause is ``w:not_<word>`` ("not impressed");
- ``b:<word> <word>`` adjacent word pairs;
- ``c:<chars>`` character 3- to 5-grams inside each word (typos and inflections still share grams);
- ``cue:<label>`` the rule-based classifier's score for each label, and ``rule:<label>`` its pick,
  so the explainable cues (sarcasm markers, negation, asks) feed the model;
- ``sent:value``, ``sent:negative``, ``sent:positive`` the sentiment score, when given;
- contrast features, the interactions a linear model cannot form from words alone
  (:data:`~talkworthy.enrichment.intent_lexicon.PROBLEM_WORDS`, ``PRAISE_WORDS``): ``x:problem``
  (problems stated as facts, up to three), ``x:problem_negated`` ("never crashes", "no bugs"),
  ``x:praise_beside_trouble`` (praise words beside a problem, a negator or a span of time, "11 days":
  sarcasm or a mixed intent), ``x:positive_beside_trouble`` (the sentiment is positive, yet so),
  ``x:problem_resolved`` (a problem told as fixed: "restored it in minutes"), and
  ``x:scare_quotes`` (a quoted word or two: "fix", "improvements");
- shape features (version 3), how a complaint with no complaint word is told (patterns in
  ``intent_lexicon``): ``x:span`` a span of time, a count or a date ("41 seconds", "day 12", "the
  3rd"), ``x:span_no_ask`` and ``x:trouble_no_ask`` the same or any trouble with no ask in the post
  (a story, not a request), ``x:first_person_trouble`` trouble told by "I"/"we", ``x:rhetorical`` a
  venting question ("why does", "who decided", "is it just me"), ``e:trouble`` emoji of trouble or
  waiting (🐌 💀 ⏳), ``e:only`` a post that is mostly emoji, ``s:elongated`` ("soooo"),
  ``s:repeated_punctuation`` ("!!"), and ``n:`` word pairs with digits as ``#`` ("# seconds").
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Final

from talkworthy.catalog.base import Score
from talkworthy.enrichment.intent import classify_intent
from talkworthy.enrichment.intent_lexicon import (
    ASK_PATTERN,
    FIRST_PERSON,
    NEGATORS,
    PRAISE_WORDS,
    PROBLEM_WORDS,
    RESOLVED_WORDS,
    RHETORICAL_PATTERN,
    SPAN_PATTERN,
    TROUBLE_EMOJI,
)
from talkworthy.enrichment.social_text import normalize

__all__ = ["CUES_SOURCE", "FEATURES_VERSION", "Feature", "extract"]

FEATURES_VERSION: Final = "3"
_TOKEN = re.compile(r"<url>|@\w+|#?[\w']+|[?!]|[^\w\s]")
_PUNCTUATION: Final = frozenset({".", ",", ";", ":"})
_BREAKS: Final = _PUNCTUATION | {"!", "?", "but", "though", "although", "however"}
_NEGATION_WINDOW: Final = 3
CUES_SOURCE: Final = "cues="  # a source naming the rule cues behind a cue feature, "|"-separated
_CUE_SCALE: Final = 3.0  # rule scores run 0..~6; /3 keeps them near the unit-scaled sparse groups
_PROBLEMS_FULL: Final = 3  # x:problem reaches 1.0 at three problem words
_DURATION = re.compile(
    r"\b\d+\+? ?"
    r"(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|clicks?|times?|emails?)\b"
)
_SCARE_QUOTES = re.compile(r"\"[^\"\s]+(?: [^\"\s]+)?\"")  # on normalised text (curly quotes straightened)
_SPAN = re.compile(SPAN_PATTERN)
_ASK = re.compile(ASK_PATTERN)
_RHETORICAL = re.compile(RHETORICAL_PATTERN)
_ELONGATED = re.compile(r"([a-z])\1\1")
_REPEATED_PUNCTUATION = re.compile(r"[!?]{2,}")
_WORD = re.compile(r"[a-z][a-z']*")
_DIGITS = re.compile(r"\d+")
_EMOJI_ONLY_WORDS: Final = 2  # at most this many words besides the brand, handles and filler
_FILLER: Final = frozenset({"acme", "acme's", "rn", "today", "again", "the", "app", "new", "user", "support"})


Feature = tuple[str, float, str]
"""One feature: its name, its value, and what in the post it came from (for explanations).
Plain tuples: a post has a few hundred features and this runs on every mention."""


def _marked(tokens: list[str]) -> list[str]:
    """Words after a negator (within the window, same clause) get a ``not_`` prefix."""
    out: list[str] = []
    left = 0
    for token in tokens:
        if token in _BREAKS or token in NEGATORS:
            left = _NEGATION_WINDOW if token in NEGATORS else 0
            out.append(token)
            continue
        out.append(f"not_{token}" if left else token)
        left = max(0, left - 1)
    return out


def _unit(prefix: str, sources: dict[str, str]) -> list[Feature]:
    """A binary group scaled to unit length: each of its ``n`` features is worth ``1/sqrt(n)``."""
    if not sources:
        return []
    value = 1.0 / math.sqrt(len(sources))
    return [(prefix + name, value, source) for name, source in sources.items()]


def extract(text: str, sentiment: Score | None = None) -> list[Feature]:
    """Every feature of ``text`` (see the module docstring); names are unique within the list."""
    norm = normalize(text)
    tokens = _TOKEN.findall(norm)
    words = [t for t in tokens if t not in _PUNCTUATION]
    marked = _marked(tokens)
    unigrams: dict[str, str] = {}
    for token in marked:
        if token not in _PUNCTUATION:
            unigrams.setdefault(token, token)  # "not_x" says it was negated
    pairs: dict[str, str] = {}
    for a, b in itertools.pairwise(words):
        pair = f"{a} {b}"
        pairs.setdefault(pair, pair)
    grams: dict[str, str] = {}
    for token in words:
        if len(token) < 2 or not token[0].isalnum():
            continue
        padded = f" {token} "
        for n in (3, 4, 5):
            for i in range(len(padded) - n + 1):
                grams.setdefault(padded[i : i + n], token)
    rules = classify_intent(text)
    cues: list[Feature] = [
        (f"cue:{label}", min(score, 2 * _CUE_SCALE) / _CUE_SCALE, CUES_SOURCE + "|".join(rules.evidence[label]))
        for label, score in rules.scores.items()
        if score and label != "other" and rules.evidence.get(label)
    ]
    chosen = "|".join(rules.evidence.get(rules.label, ()))
    cues.append((f"rule:{rules.label}", 1.0, CUES_SOURCE + chosen))
    if sentiment is not None:
        cues.append(("sent:value", sentiment.value, f"sentiment:{sentiment.label}"))
        if sentiment.label in {"negative", "positive"}:
            cues.append((f"sent:{sentiment.label}", 1.0, f"sentiment:{sentiment.label}"))
    contrast = _contrast(norm, marked, sentiment)
    troubled = any(t in NEGATORS or _has(PROBLEM_WORDS, t) for t in marked)
    shape = _shape(norm, words, troubled)
    return [*_unit("w:", unigrams), *_unit("b:", pairs), *_unit("c:", grams), *cues, *contrast, *shape]


def _contrast(norm: str, marked: list[str], sentiment: Score | None) -> list[Feature]:
    """Problems stated as facts, negated problems, and praise or positive sentiment beside trouble."""
    problems = [t for t in marked if _has(PROBLEM_WORDS, t)]
    negated = [t for t in marked if t.startswith("not_") and _has(PROBLEM_WORDS, t[4:])]
    praise = [t for t in marked if _has(PRAISE_WORDS, t)]
    # trouble: a problem, a negator ("nothing loads", "no reply") or a span of time or count ("11 days")
    trouble = problems + [t for t in marked if t in NEGATORS] + _DURATION.findall(norm)
    out: list[Feature] = []
    if problems:
        named = CUES_SOURCE + "pattern:problem_stated"  # one cue: its words already show as word cues
        out.append(("x:problem", min(len(problems), _PROBLEMS_FULL) / _PROBLEMS_FULL, named))
        resolved = [t for t in marked if _has(RESOLVED_WORDS, t)]
        if resolved:
            named = "|".join(f'resolved:"{t}"' for t in dict.fromkeys(resolved))
            out.append(("x:problem_resolved", 1.0, CUES_SOURCE + named))
    if trouble and praise:
        # shown as what it marks: sarcasm ("love waking up to acme being down again") or a mixed intent
        out.append(("x:praise_beside_trouble", 1.0, CUES_SOURCE + "pattern:sarcasm_or_mixed"))
    if trouble and sentiment is not None and sentiment.label == "positive":
        out.append(("x:positive_beside_trouble", 1.0, CUES_SOURCE + "pattern:positive_beside_trouble"))
    if negated:
        out.append(("x:problem_negated", 1.0, CUES_SOURCE + "|".join(f'negated:"{t[4:]}"' for t in negated)))
    if _SCARE_QUOTES.search(norm):
        out.append(("x:scare_quotes", 1.0, CUES_SOURCE + "pattern:scare_quotes"))
    return out


def _shape(norm: str, words: list[str], troubled: bool) -> list[Feature]:
    """How the post is told: a story with no ask, a venting question, emoji, stretched words."""
    out: list[Feature] = []
    spans = _SPAN.search(norm) is not None
    asks = _ASK.search(norm) is not None
    trouble = troubled or spans
    if spans:
        out.append(("x:span", 1.0, CUES_SOURCE + "pattern:time_or_count"))
        if not asks:
            out.append(("x:span_no_ask", 1.0, CUES_SOURCE + "pattern:story_no_ask"))
    if trouble and not asks:
        out.append(("x:trouble_no_ask", 1.0, CUES_SOURCE + "pattern:problem_no_ask"))
    if trouble and FIRST_PERSON.intersection(words):
        out.append(("x:first_person_trouble", 1.0, CUES_SOURCE + "pattern:problem_first_hand"))
    if _RHETORICAL.search(norm):
        out.append(("x:rhetorical", 1.0, CUES_SOURCE + "pattern:rhetorical_question"))
    emoji = [ch for ch in norm if ch in TROUBLE_EMOJI]
    if emoji:
        out.append(("e:trouble", 1.0, CUES_SOURCE + "|".join(f'emoji:"{e}"' for e in dict.fromkeys(emoji))))
    text = [w for w in _WORD.findall(norm) if w not in _FILLER and not w.startswith("emo")]
    if len(text) <= _EMOJI_ONLY_WORDS and any(not ch.isascii() and not ch.isalnum() for ch in norm):
        out.append(("e:only", 1.0, CUES_SOURCE + "pattern:emoji_only"))
    if _ELONGATED.search(norm):
        out.append(("s:elongated", 1.0, CUES_SOURCE + "pattern:stretched_word"))
    if _REPEATED_PUNCTUATION.search(norm):
        out.append(("s:repeated_punctuation", 1.0, CUES_SOURCE + "pattern:repeated_punctuation"))
    numbered = {
        f"{_DIGITS.sub('#', a)} {_DIGITS.sub('#', b)}": f"{a} {b}"
        for a, b in itertools.pairwise(words)
        if _DIGITS.search(a) or _DIGITS.search(b)
    }
    return out + _unit("n:", numbered)


def _has(words: frozenset[str], token: str) -> bool:
    """``token`` or its singular (a trailing "s" dropped) is one of ``words``."""
    return token in words or (token.endswith("s") and token[:-1] in words)
