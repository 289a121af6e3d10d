"""An idea's words and index terms, and the store of terms shared by every container.

A *word* is a lower-case ASCII word of the title or the first 500 characters of the text, stop
words left out (at most :data:`MAX_WORDS`, the title's first). An idea's *terms* are its words
(``w:<word>``), for words of 5 letters or more their letter bag (``b:<letters sorted>``: two
swapped letters keep it, so ``tvoven`` still finds ``tovven``), and its word pairs (``p:<a> <b>``,
adjacent once stop words are out: rarer than either word, ``velkor dark`` names one request). A
term's entry counts the ideas that have it and lists them while it is rare, up to
:data:`POSTING_CAP`; past that the list stops growing (it keeps the oldest) and only the count
grows. :data:`TOTAL` counts every idea.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "MAX_TERMS",
    "MAX_WORDS",
    "POSTING_CAP",
    "TOTAL",
    "MemoryTermStore",
    "Term",
    "TermStore",
    "index_terms",
    "words",
]

MAX_WORDS = 30
MAX_TERMS = 99  # with TOTAL: one BatchGetItem (100 keys)
POSTING_CAP = 500
TOTAL = "*"
_LONGEST = 40  # a longer "word" is a hash or a URL, not a word (and keys stay short)
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "could",
        "do",
        "for",
        "from",
        "have",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "please",
        "so",
        "that",
        "the",
        "their",
        "there",
        "this",
        "to",
        "us",
        "was",
        "we",
        "were",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)


def _sequence(title: str, text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", f"{title} {text[:500]}").encode("ascii", "ignore").decode().lower()
    return [w for w in _WORD.findall(folded) if w not in _STOP and len(w) <= _LONGEST]


def words(title: str, text: str = "") -> list[str]:
    """The idea's distinct words, in order (accents folded, stop words out)."""
    return list(dict.fromkeys(_sequence(title, text)))[:MAX_WORDS]


def index_terms(title: str, text: str = "") -> list[str]:
    """Its words, their letter bags and its word pairs (adjacent once stop words are out)."""
    found = words(title, text)
    kept = set(found)
    sequence = [w for w in _sequence(title, text) if w in kept]
    terms = [f"w:{w}" for w in found]
    terms += [f"b:{''.join(sorted(w))}" for w in found if len(w) >= 5]
    terms += [f"p:{a} {b}" for a, b in itertools.pairwise(sequence) if a != b]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


@dataclass(frozen=True)
class Term:
    count: int  # ideas having the term
    refs: AbstractSet[str]  # which ones (all of them while count <= POSTING_CAP, else the oldest)

    @property
    def capped(self) -> bool:
        return self.count > len(self.refs)


def idf(count: int, total: int) -> float:
    """Smoothed inverse document frequency: a word every idea has weighs 1, a word no idea has the most."""
    return math.log((total + 1) / (count + 1)) + 1


class TermStore(Protocol):
    """Term entries and each indexed idea's entry (``{"title": ..., "words": [...]}``)."""

    def terms(self, keys: Sequence[str]) -> dict[str, Term]:
        """Each key's entry (absent keys left out); :data:`TOTAL` among them when asked for."""
        ...

    def entries(self, refs: Sequence[str]) -> dict[str, Mapping[str, Any]]: ...

    def add(self, ref: str, keys: Sequence[str], entry: Mapping[str, Any], known: Mapping[str, Term]) -> None:
        """Index ``ref`` under ``keys``; ``known`` is what a read just found (which terms are capped).
        Adding the same ref again changes nothing (a store says how)."""
        ...


@dataclass
class MemoryTermStore:
    """In memory, for tests and the bench; ``read_units`` is what the DynamoDB store would be billed
    for its reads (eventually consistent: 0.5 RCU per started 4 KB per item)."""

    counts: dict[str, int] = field(default_factory=dict)
    postings: dict[str, set[str]] = field(default_factory=dict)
    indexed: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    read_units: float = 0.0
    write_units: float = 0.0

    def terms(self, keys: Sequence[str]) -> dict[str, Term]:
        out = {}
        for key in keys:
            if key in self.counts:
                refs = self.postings.get(key, set())
                self.read_units += 0.5 * math.ceil((60 + 16 * len(refs)) / 4096)
                out[key] = Term(self.counts[key], refs)  # not copied: read only
            else:
                self.read_units += 0.5
        return out

    def entries(self, refs: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        self.read_units += 0.5 * len(refs)
        return {ref: self.indexed[ref] for ref in refs if ref in self.indexed}

    def add(self, ref: str, keys: Sequence[str], entry: Mapping[str, Any], known: Mapping[str, Term]) -> None:
        self.write_units += 2 + len(keys)  # the entry, TOTAL, one update per term
        if ref in self.indexed:
            return
        self.indexed[ref] = entry
        self.counts[TOTAL] = self.counts.get(TOTAL, 0) + 1
        for key in keys:
            self.counts[key] = self.counts.get(key, 0) + 1
            refs = self.postings.setdefault(key, set())
            if len(refs) < POSTING_CAP:
                refs.add(ref)
