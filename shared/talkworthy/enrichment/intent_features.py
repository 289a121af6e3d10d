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
- ``sent:value``, ``sent:negative``, ``sent:positive`` the sentiment score, when given.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Final

from talkworthy.catalog.base import Score
from talkworthy.enrichment.intent import classify_intent
from talkworthy.enrichment.intent_lexicon import NEGATORS
from talkworthy.enrichment.social_text import normalize

__all__ = ["CUES_SOURCE", "FEATURES_VERSION", "Feature", "extract"]

FEATURES_VERSION: Final = "1"
_TOKEN = re.compile(r"<url>|@\w+|#?[\w']+|[?!]|[^\w\s]")
_PUNCTUATION: Final = frozenset({".", ",", ";", ":"})
_BREAKS: Final = _PUNCTUATION | {"!", "?", "but", "though", "although", "however"}
_NEGATION_WINDOW: Final = 3
CUES_SOURCE: Final = "cues="  # a source naming the rule cues behind a cue feature, "|"-separated
_CUE_SCALE: Final = 3.0  # rule scores run 0..~6; /3 keeps them near the unit-scaled sparse groups


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
    unigrams: dict[str, str] = {}
    for marked in _marked(tokens):
        if marked not in _PUNCTUATION:
            unigrams.setdefault(marked, marked)  # "not_x" says it was negated
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
    return [*_unit("w:", unigrams), *_unit("b:", pairs), *_unit("c:", grams), *cues]
