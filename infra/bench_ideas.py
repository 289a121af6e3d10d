"""`make bench` section ``ideas``: dedupe time per new idea and candidate quality at 1 k, 10 k, 100 k.

The corpus is :mod:`infra.idea_corpus` (fixed seed). Known ideas are indexed in the in-memory band
store, which the DynamoDB one mirrors call for call (``members`` = one ``BatchGetItem`` of
``BANDS`` bucket keys, ``entries`` = one per 100 candidates). Per query: ``candidates`` then ``add``,
timed. Half the queries paraphrase a known idea, half are new ideas with no duplicate.

- ``recall_at_5``: paraphrases whose original is among the 5 candidates.
- ``precision``: of the merges proposed (top candidate at or above ``STRONG_MATCH``) over all
  queries, the share naming the right original.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from infra.cost_model import PRICE, Usage, usage_cost
from infra.idea_corpus import generate
from talkworthy.ideas.dedupe import BANDS, Deduper, MemoryBandStore

__all__ = ["idea_costs"]

SIZES = (1_000, 10_000, 100_000)
QUERIES = 400


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _at(size: int) -> dict[str, Any]:
    corpus = generate(size, queries=QUERIES)
    deduper = Deduper(MemoryBandStore())
    for idea in corpus.known:
        deduper.add(idea.ref, idea.title, idea.text)
    times, hits, proposed, right = [], 0, 0, 0
    queries = [(q, want) for q, want in corpus.duplicates] + [(q, None) for q in corpus.novel]
    for query, want in queries:
        started = time.perf_counter()
        found = deduper.candidates(query.ref, query.title, query.text)
        times.append(time.perf_counter() - started)
        if want is not None and want in [c.ref for c in found]:
            hits += 1
        if found and found[0].strong:
            proposed += 1
            right += found[0].ref == want
    return {
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(_percentile(times, 0.95) * 1000, 2),
        "recall_at_5": round(hits / len(corpus.duplicates), 3),
        "precision": round(right / proposed, 3) if proposed else None,
        "merges_proposed": proposed,
    }


def _usage_per_idea(candidates: float) -> Usage:
    """One new idea from a webhook, as the code path bills it (modelled, not metered):
    ingress (dedupe: 2 WCU), ``Idea.Submitted`` + 2 ``Action.Requested`` on the bus, one ideas
    delivery; the idea: a one-item transaction (2 WCU) and 3 consistent reads (3 RCU); dedupe: one
    ``BatchGetItem`` of ``BANDS`` buckets and one of the candidates' signatures (eventual, 0.5
    RCU each), ``BANDS`` ``UpdateItem`` ADDs and one signature put (1 WCU each)."""
    return Usage(
        api_requests=1,
        ingress_invocations=1,
        consumer_deliveries=1,
        events=3,
        wcu=2 + 2 + BANDS + 1,
        rcu=3 + 0.5 * BANDS + 0.5 * candidates,
        aws_calls=1 + 4 + BANDS + 3,
    )


def idea_costs() -> dict[str, Any]:
    sizes = {f"{size // 1000}k": _at(size) for size in SIZES}
    usage = _usage_per_idea(candidates=10)
    cost = usage_cost(usage, cpu_seconds=sizes["100k"]["p95_ms"] / 1000)
    return {
        "known_ideas": sizes,
        "p95_growth_10k_to_100k": round(sizes["100k"]["p95_ms"] / sizes["10k"]["p95_ms"], 2),
        "cost_per_1m_usd": {k: round(v * 1e6, 2) for k, v in cost.items()},
        "cost_per_1m_usd_total": round(sum(cost.values()) * 1e6, 2),
        "goal": {"recall_at_5": 0.9, "precision": 0.8, "p95_ms": 20, "p95_growth": 2.0},
        "dynamodb_per_idea": {"wcu": usage.wcu, "rcu": usage.rcu, "price_per_wcu": PRICE["dynamodb_per_wcu"]},
    }
