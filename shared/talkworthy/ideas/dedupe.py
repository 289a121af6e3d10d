"""Near-duplicate ideas: MinHash LSH for candidates, re-ranked with rapidfuzz.

Cost per new idea does not grow with the number of known ideas: an idea's text becomes a set of
features (word bigrams and character 4-grams of the normalised title and text), its MinHash
signature (``NUM_PERM`` values) is cut into ``BANDS`` bands of ``ROWS`` values, and each band is
hashed into one bucket key. Ideas sharing a bucket in any band are candidates: a lookup reads
``BANDS`` buckets (one ``BatchGetItem`` on DynamoDB), whatever the corpus size. Candidates are then
re-ranked by rapidfuzz's ``token_set_ratio`` of the titles (weight 0.8) blended with the estimated
Jaccard similarity of the stored signatures (0.2); a score at or above ``STRONG_MATCH`` is proposed as a merge.

The MinHash is datasketch's ``MinHash(scheme="legacy")`` computed with numpy alone (the same
permutations from the same seed, the same 32-bit SHA-1 feature hash; a test holds the two equal):
importing datasketch costs about 0.45 s at a cold start because it loads scipy, numpy about
0.13 s, and numpy is imported on the first idea, not with the handler (``docs/design-notes.md``).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import struct
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "BANDS",
    "NUM_PERM",
    "ROWS",
    "STRONG_MATCH",
    "BandStore",
    "Candidate",
    "Deduper",
    "MemoryBandStore",
    "Signature",
    "features",
    "signature",
]

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SEED = 1
STRONG_MATCH = 0.8
MIN_CANDIDATE = 0.35
_MERSENNE = (1 << 61) - 1
_MAX_HASH = (1 << 32) - 1
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

Signature = tuple[int, ...]


def normalise(text: str) -> list[str]:
    """Lower-case ASCII words without stop words (accents folded)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [word for word in _WORD.findall(folded) if word not in _STOP]


def features(title: str, text: str = "") -> set[str]:
    """Word bigrams and character 4-grams of the title and the first 500 characters of the text."""
    words = normalise(f"{title} {text[:500]}")
    found = {f"w:{a} {b}" for a, b in itertools.pairwise(words)} | {f"w:{w}" for w in words}
    joined = " ".join(words)
    found |= {f"c:{joined[i : i + 4]}" for i in range(max(1, len(joined) - 3))}
    return found


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    gen = np.random.RandomState(SEED)  # datasketch's generator and draw order, for identical signatures
    pairs = [
        (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
        for _ in range(NUM_PERM)
    ]
    a, b = np.array(pairs, dtype=np.uint64).T
    return a, b


def _hash32(feature: str) -> int:
    return int(struct.unpack("<I", hashlib.sha1(feature.encode(), usedforsecurity=False).digest()[:4])[0])


def signature(found: Iterable[str]) -> Signature:
    """The MinHash of a feature set: ``NUM_PERM`` 32-bit values."""
    import numpy as np

    a, b = _permutations()
    hashes = np.array([_hash32(f) for f in found] or [0], dtype=np.uint64).reshape(-1, 1)
    values = np.bitwise_and((hashes * a + b) % np.uint64(_MERSENNE), np.uint64(_MAX_HASH)).min(axis=0)
    return tuple(int(v) for v in values)


def bucket_keys(sig: Signature) -> list[str]:
    """One key per band: ``<band>:<16 hex digits of the band's values>``."""
    keys = []
    for band in range(BANDS):
        chunk = struct.pack(f"<{ROWS}I", *sig[band * ROWS : (band + 1) * ROWS])
        keys.append(f"{band}:{hashlib.blake2b(chunk, digest_size=8).hexdigest()}")
    return keys


def estimated_jaccard(a: Signature, b: Signature) -> float:
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / NUM_PERM


class BandStore(Protocol):
    """LSH buckets shared by every container: band bucket key → idea refs; idea ref → its entry."""

    def members(self, bucket_keys: Sequence[str]) -> set[str]: ...

    def entries(self, refs: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        """Each ref's stored ``{"title": ..., "sig": [...]}`` (absent refs left out)."""
        ...

    def add(self, ref: str, bucket_keys: Sequence[str], entry: Mapping[str, Any]) -> None:
        """Idempotent: adding the same ref again leaves the same state."""
        ...

    def remove(self, ref: str, bucket_keys: Sequence[str]) -> None: ...


class MemoryBandStore:
    def __init__(self) -> None:
        self.buckets: dict[str, set[str]] = {}
        self.signatures: dict[str, Mapping[str, Any]] = {}

    def members(self, bucket_keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for key in bucket_keys:
            found |= self.buckets.get(key, set())
        return found

    def entries(self, refs: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        return {ref: self.signatures[ref] for ref in refs if ref in self.signatures}

    def add(self, ref: str, bucket_keys: Sequence[str], entry: Mapping[str, Any]) -> None:
        self.signatures[ref] = entry
        for key in bucket_keys:
            self.buckets.setdefault(key, set()).add(ref)

    def remove(self, ref: str, bucket_keys: Sequence[str]) -> None:
        self.signatures.pop(ref, None)
        for key in bucket_keys:
            self.buckets.get(key, set()).discard(ref)


@dataclass(frozen=True)
class Candidate:
    ref: str
    title: str
    similarity: float  # 0..1

    @property
    def strong(self) -> bool:
        return self.similarity >= STRONG_MATCH


class Deduper:
    def __init__(self, bands: BandStore, *, max_candidates: int = 50) -> None:
        self.bands = bands
        self.max_candidates = max_candidates

    def candidates(self, ref: str, title: str, text: str = "", limit: int = 5) -> list[Candidate]:
        """The known ideas most like this one, best first (never ``ref`` itself)."""
        from rapidfuzz import fuzz

        sig = signature(features(title, text))
        refs = sorted(self.bands.members(bucket_keys(sig)) - {ref})
        if not refs:
            return []
        entries = self.bands.entries(refs[: self.max_candidates * 4])
        scored = []
        for other, entry in entries.items():
            jaccard = estimated_jaccard(sig, tuple(int(v) for v in entry["sig"]))
            fuzzy = fuzz.token_set_ratio(title, str(entry["title"]), processor=_process) / 100
            score = round(0.2 * jaccard + 0.8 * fuzzy, 3)
            if score >= MIN_CANDIDATE:
                scored.append(Candidate(other, str(entry["title"]), score))
        scored.sort(key=lambda c: (-c.similarity, c.ref))
        return scored[:limit]

    def add(self, ref: str, title: str, text: str = "") -> None:
        sig = signature(features(title, text))
        self.bands.add(ref, bucket_keys(sig), {"title": title[:300], "sig": list(sig)})

    def remove(self, ref: str, title: str, text: str = "") -> None:
        self.bands.remove(ref, bucket_keys(signature(features(title, text))))


def _process(text: str) -> str:
    return " ".join(normalise(text))
