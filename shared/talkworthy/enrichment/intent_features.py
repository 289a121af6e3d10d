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
from typing import Final, NamedTuple

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


class Feature(NamedTuple):
    """One feature: its name, its value, and what in the post it came from (for explanations)."""

    name: str
    value: float
    source: str


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


def _unit(features: list[Feature]) -> list[Feature]:
    """Scale a group so its values have unit length (binary features -> 1/sqrt(n))."""
    if not features:
        return []
    norm = math.sqrt(sum(f.value * f.value for f in features))
    return [Feature(f.name, f.value / norm, f.source) for f in features]


def _dedupe(features: list[Feature]) -> list[Feature]:
    """Repeated names are counted once (presence, not frequency), keeping the first source."""
    seen: dict[str, Feature] = {}
    for feature in features:
        seen.setdefault(feature.name, feature)
    return list(seen.values())


def extract(text: str, sentiment: Score | None = None) -> list[Feature]:
    """Every feature of ``text`` (see the module docstring); names are unique within the list."""
    norm = normalize(text)
    tokens = _TOKEN.findall(norm)
    words = [t for t in tokens if t not in _PUNCTUATION]
    unigrams = _dedupe(
        [Feature(f"w:{m}", 1.0, m.removeprefix("not_")) for m in _marked(tokens) if m not in _PUNCTUATION]
    )
    pairs = _dedupe([Feature(f"b:{a} {b}", 1.0, f"{a} {b}") for a, b in itertools.pairwise(words)])
    grams: list[Feature] = []
    for token in words:
        if len(token) < 2 or not token[0].isalnum():
            continue
        padded = f" {token} "
        grams.extend(
            Feature(f"c:{padded[i : i + n]}", 1.0, token) for n in (3, 4, 5) for i in range(len(padded) - n + 1)
        )
    rules = classify_intent(text)
    cues = [
        Feature(f"cue:{label}", min(score, 2 * _CUE_SCALE) / _CUE_SCALE, CUES_SOURCE + "|".join(rules.evidence[label]))
        for label, score in rules.scores.items()
        if score and label != "other" and rules.evidence.get(label)
    ]
    chosen = "|".join(rules.evidence.get(rules.label, ()))
    cues.append(Feature(f"rule:{rules.label}", 1.0, CUES_SOURCE + chosen))
    dense: list[Feature] = []
    if sentiment is not None:
        dense.append(Feature("sent:value", sentiment.value, f"sentiment:{sentiment.label}"))
        if sentiment.label in {"negative", "positive"}:
            dense.append(Feature(f"sent:{sentiment.label}", 1.0, f"sentiment:{sentiment.label}"))
    return [*_unit(unigrams), *_unit(pairs), *_unit(_dedupe(grams)), *cues, *dense]
