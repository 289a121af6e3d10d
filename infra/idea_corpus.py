"""A generated corpus of product ideas and paraphrases of some of them (fixed seed), for the dedupe bench.

Each idea combines a request, a feature, a place and a reason drawn from separate vocabularies, so
two distinct ideas share at most some of their words. A paraphrase of an idea swaps words for
synonyms, reorders the clauses, adds filler ("it would be great if"), drops a word or makes a typo:
the way two people ask for the same thing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["Corpus", "IdeaText", "generate"]

_REQUESTS = [
    ("add", ["support", "introduce", "provide", "offer"]),
    ("allow", ["let users", "enable", "make it possible to"]),
    ("improve", ["make better", "upgrade", "enhance"]),
    ("fix", ["repair", "resolve", "correct"]),
    ("show", ["display", "surface", "present"]),
    ("export", ["download", "extract", "save out"]),
    ("sync", ["synchronise", "keep in step", "mirror"]),
    ("schedule", ["plan ahead", "queue up", "set a time for"]),
]
_FEATURES = [
    "dark mode",
    "bulk edit",
    "csv import",
    "two factor login",
    "saved filters",
    "keyboard shortcuts",
    "offline mode",
    "custom fields",
    "audit log",
    "calendar view",
    "kanban board",
    "recurring tasks",
    "time tracking",
    "invoice templates",
    "push notifications",
    "slack alerts",
    "sso with okta",
    "api webhooks",
    "granular permissions",
    "data retention rules",
    "multi currency",
    "tax reports",
    "barcode scanning",
    "inventory alerts",
    "customer portal",
    "live chat widget",
    "email digests",
    "gantt charts",
    "file versioning",
    "image cropping",
    "video captions",
    "voice notes",
    "map layers",
    "route planning",
    "shift swaps",
    "payroll export",
    "expense receipts",
    "mileage logs",
    "survey branching",
    "quiz timers",
    "grade curves",
    "attendance streaks",
    "playlist sharing",
    "lyrics display",
    "podcast chapters",
    "recipe scaling",
    "meal plans",
    "grocery lists",
    "pet reminders",
    "plant watering logs",
    "sleep tracking",
    "heart rate zones",
    "workout streaks",
    "budget envelopes",
    "bill splitting",
    "crypto wallets",
    "stock alerts",
    "loyalty points",
    "gift cards",
    "referral codes",
    "coupon stacking",
    "wishlist sharing",
    "size guides",
    "return labels",
    "delivery windows",
    "pickup lockers",
    "table booking",
    "waitlist texts",
    "menu translations",
]
_PLACES = [
    "mobile app",
    "web dashboard",
    "admin console",
    "desktop client",
    "tablet layout",
    "public api",
    "browser extension",
    "watch app",
    "reporting page",
    "settings screen",
    "onboarding flow",
    "checkout page",
    "team workspace",
    "partner portal",
    "help center",
    "search results",
]
_REASONS = [
    "so our team saves hours every week",
    "because customers keep asking for it",
    "since competitors already have this",
    "to reduce support tickets",
    "for accessibility reasons",
    "so managers can review work faster",
    "because the current workaround is painful",
    "to meet compliance requirements",
    "for people working night shifts",
    "so new users get started quicker",
]
_SYNONYMS = {
    "mobile app": ["phone app", "ios and android app"],
    "web dashboard": ["web app dashboard", "browser dashboard"],
    "admin console": ["admin panel", "administration console"],
    "team": ["group", "staff"],
    "customers": ["clients", "users"],
    "hours": ["lots of time", "many hours"],
    "painful": ["annoying", "clunky"],
    "faster": ["more quickly", "quicker"],
}
_FILLERS = ["It would be great if you could", "Please", "Feature request:", "Would love to see you", "Can you"]


@dataclass(frozen=True)
class IdeaText:
    ref: str
    title: str
    text: str


@dataclass(frozen=True)
class Corpus:
    known: list[IdeaText]
    duplicates: list[tuple[IdeaText, str]]  # a paraphrase and the ref of the idea it repeats
    novel: list[IdeaText]  # new ideas with no duplicate among the known ones


_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ven",
    "tor",
    "sil",
    "bar",
    "quin",
    "dex",
    "fal",
    "mor",
    "nu",
    "pel",
    "zan",
    "gri",
    "tov",
    "hel",
    "cas",
    "jun",
]
Parts = tuple[int, str, int, int]


def _names(rng: random.Random, count: int) -> list[str]:
    """Product-ish names (``Velkor``, ``Quinmi``...): a vocabulary as large as the corpus needs."""
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))))
    return sorted(names)


def _ideas(rng: random.Random, count: int) -> list[Parts]:
    """``count`` ideas, each about its own feature (a name and a kind of feature)."""
    names = _names(rng, count // len(_FEATURES) + 50)
    pairs = rng.sample(range(len(names) * len(_FEATURES)), count)
    return [
        (
            rng.randrange(len(_REQUESTS)),
            f"{names[pair // len(_FEATURES)]} {_FEATURES[pair % len(_FEATURES)]}",
            rng.randrange(len(_PLACES)),
            rng.randrange(len(_REASONS)),
        )
        for pair in pairs
    ]


def _render(parts: Parts) -> tuple[str, str]:
    verb, feature, place, reason = parts
    title = f"{_REQUESTS[verb][0].capitalize()} {feature} in the {_PLACES[place]}"
    return title, f"We need to {_REQUESTS[verb][0]} {feature} in the {_PLACES[place]} {_REASONS[reason]}."


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _swap(rng: random.Random, phrase: str) -> str:
    for original, options in _SYNONYMS.items():
        if original in phrase and rng.random() < 0.7:
            phrase = phrase.replace(original, rng.choice(options))
    return phrase


def _paraphrase(rng: random.Random, parts: Parts) -> tuple[str, str]:
    verb, feat, place, reason = parts
    action = rng.choice(_REQUESTS[verb][1])
    where, why = _swap(rng, _PLACES[place]), _swap(rng, _REASONS[reason])
    if rng.random() < 0.3:
        feat = " ".join(_typo(rng, w) if rng.random() < 0.3 else w for w in feat.split())
    filler = rng.choice(_FILLERS)
    if rng.random() < 0.5:
        title = f"{filler} {action} {feat} in the {where}"
    else:
        title = f"{feat.capitalize()} for the {where}, {why}"
    return title, f"{filler} {action} {feat} on the {where}? {why.capitalize()}."


def generate(known: int, queries: int = 200, seed: int = 7) -> Corpus:
    rng = random.Random(seed)
    parts = _ideas(rng, known + queries // 2)
    ideas = [IdeaText(f"bench:{i}", *_render(p)) for i, p in enumerate(parts[:known])]
    duplicates = []
    for n in range(queries - queries // 2):
        target = rng.randrange(known)
        duplicates.append((IdeaText(f"bench:dup{n}", *_paraphrase(rng, parts[target])), ideas[target].ref))
    novel = [IdeaText(f"bench:new{n}", *_paraphrase(rng, p)) for n, p in enumerate(parts[known:])]
    return Corpus(ideas, duplicates, novel)
