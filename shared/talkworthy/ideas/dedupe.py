"""Near-duplicate ideas: candidates from an index of rare terms, re-ranked by soft TF-IDF.

What a lookup costs does not grow with the number of known ideas. It reads the new idea's terms
(:mod:`talkworthy.ideas.terms`: at most 100 entries, one ``BatchGetItem``), each listing at most
``POSTING_CAP`` ideas. Candidates are the ideas sharing an uncapped (rare) term, ranked by the summed
IDF of the terms they share; only when those are fewer than ``RERANK`` do the oldest ideas of the
capped (common) terms fill in. The best ``RERANK`` are re-ranked by soft TF-IDF over their words
(Cohen, Ravikumar & Fienberg, 2003): the cosine of the two IDF-weighted word sets, where a word
with no equal in the other idea counts with the most similar word there when rapidfuzz's ``ratio``
is at least ``FUZZY`` (a typo). So the words common in this product's ideas ("app", "add",
"dashboard") count little and a rare one (a module's name) much; IDF is that of the live corpus.

A similarity at or above ``STRONG_MATCH`` is proposed to the product owner as a merge. It is
calibrated, not guessed: ``python -m infra.calibrate_ideas`` picks it on a calibration split of the
generated corpus (its own seed), and ``make bench`` measures it on the evaluation split.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from talkworthy.ideas.terms import TOTAL, Term, TermStore, idf, index_terms

__all__ = ["FUZZY", "RERANK", "STRONG_MATCH", "Candidate", "Deduper", "close_terms", "similarity"]

STRONG_MATCH = 0.51  # python -m infra.calibrate_ideas (precision >= 0.85 on the calibration split)
MIN_CANDIDATE = 0.2
RERANK = 20
POOL = 150
FUZZY = 0.8


@dataclass(frozen=True)
class Candidate:
    ref: str
    title: str
    similarity: float  # 0..1

    @property
    def strong(self) -> bool:
        return self.similarity >= STRONG_MATCH


def similarity(mine: Mapping[str, float], theirs: Mapping[str, float], close: Mapping[str, dict[str, float]]) -> float:
    """Soft TF-IDF of two term → IDF maps: their cosine, where a term of ``mine`` that ``theirs``
    lacks counts with its closest term there (``close``: term → {similar term: ratio}, see :func:`close_terms`)."""
    if not mine or not theirs:
        return 0.0
    dot = 0.0
    for term, weight in mine.items():
        if term in theirs:
            dot += weight * theirs[term]
        elif near := [ratio * theirs[other] for other, ratio in close.get(term, {}).items() if other in theirs]:
            dot += weight * max(near)
    norms = math.sqrt(sum(w * w for w in mine.values()) * sum(w * w for w in theirs.values()))
    return min(1.0, dot / norms)


def close_terms(mine: Iterable[str], vocabulary: Iterable[str]) -> dict[str, dict[str, float]]:
    """Each of ``mine``'s terms → the other terms of its kind (word, pair) whose rapidfuzz ``ratio``
    is at least ``FUZZY``: one pass over the candidates' vocabulary, not one per candidate."""
    from rapidfuzz import fuzz, process

    by_kind: dict[str, list[str]] = {}
    for term in set(vocabulary):
        by_kind.setdefault(term[:2], []).append(term)
    out = {}
    for term in mine:
        choices = by_kind.get(term[:2], [])
        found = process.extract(term, choices, scorer=fuzz.ratio, score_cutoff=FUZZY * 100, limit=None)
        if near := {other: score / 100 for other, score, _ in found if other != term}:
            out[term] = near
    return out


class Deduper:
    def __init__(self, store: TermStore) -> None:
        self.store = store

    def check_in(self, ref: str, title: str, text: str = "", limit: int = 5) -> list[Candidate]:
        """The known ideas most like this one, best first (never ``ref`` itself); then ``ref`` is known too.
        One read serves both: the lookup's term entries say which terms are capped."""
        keys = index_terms(title, text)
        known = self.store.terms([TOTAL, *keys])
        candidates = self._rank(ref, _entry(title, text), known, limit)
        self.store.add(ref, keys, _entry(title, text), known)
        return candidates

    def candidates(self, ref: str, title: str, text: str = "", limit: int = 5) -> list[Candidate]:
        known = self.store.terms([TOTAL, *index_terms(title, text)])
        return self._rank(ref, _entry(title, text), known, limit)

    def add(self, ref: str, title: str, text: str = "") -> None:
        keys = index_terms(title, text)
        self.store.add(ref, keys, _entry(title, text), self.store.terms(keys))

    def _rank(self, ref: str, new: Mapping[str, Any], known: dict[str, Term], limit: int) -> list[Candidate]:
        total = known[TOTAL].count if TOTAL in known else 0
        pool = _pool(ref, known, total)
        if not pool:
            return []
        counts = {key: term.count for key, term in known.items()}

        def weighted(entry: Mapping[str, Any]) -> dict[str, float]:
            return {key: idf(counts.get(key, 0), total) for key in entry["terms"]}

        mine = weighted(new)
        entries = _best(self.store.entries(pool), mine)
        unseen = sorted({key for e in entries.values() for key in e["terms"]} - counts.keys())
        counts |= {key: term.count for key, term in self.store.terms(unseen).items()}
        theirs = {other: weighted(entry) for other, entry in entries.items()}
        close = close_terms(mine, (key for weights in theirs.values() for key in weights if key not in mine))
        scored = []
        for other, weights in theirs.items():
            score = round(similarity(mine, weights, close), 3)
            if score >= MIN_CANDIDATE:
                scored.append(Candidate(other, str(entries[other]["title"]), score))
        scored.sort(key=lambda c: (-c.similarity, c.ref))
        return scored[:limit]


def _entry(title: str, text: str) -> dict[str, Any]:
    """What the re-rank reads of an idea: its title, and the words and pairs of its title and text."""
    return {"title": title[:300], "terms": [key for key in index_terms(title, text) if not key.startswith("b:")]}


def _best(entries: Mapping[str, Mapping[str, Any]], mine: Mapping[str, float]) -> dict[str, Mapping[str, Any]]:
    """The ``RERANK`` entries sharing the most of ``mine``'s weight, exactly (the soft match is dearer)."""
    shared = {ref: sum(mine[key] for key in mine.keys() & entry["terms"]) for ref, entry in entries.items()}
    return {ref: entries[ref] for ref in sorted(shared, key=lambda r: (-shared[r], r))[:RERANK]}


def _pool(ref: str, known: dict[str, Term], total: int) -> list[str]:
    """The ``POOL`` ideas sharing the most IDF of rare terms with the new one; when fewer than
    ``RERANK`` share one, the oldest ideas of its common terms fill in."""
    terms = [(key, term) for key, term in known.items() if key != TOTAL]
    best = _most_shared(ref, [(term, idf(term.count, total)) for _, term in terms if not term.capped], POOL)
    if len(best) < RERANK:
        common = _most_shared(ref, [(term, idf(term.count, total)) for _, term in terms if term.capped], RERANK)
        chosen = set(best)
        best += [r for r in common if r not in chosen][: RERANK - len(best)]
    return best


def _most_shared(ref: str, weighted: list[tuple[Term, float]], limit: int) -> list[str]:
    score: dict[str, float] = {}
    for term, weight in weighted:
        for other in term.refs:
            score[other] = score.get(other, 0.0) + weight
    score.pop(ref, None)
    return sorted(score, key=lambda r: (-score[r], r))[:limit]
