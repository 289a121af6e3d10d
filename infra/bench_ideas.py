"""`make bench` section ``ideas``: dedupe time per new idea and candidate quality at 1 k, 10 k, 100 k.

The corpus is :mod:`infra.idea_corpus`, its evaluation split (``EVALUATION_SEED``; the strong-match
threshold is calibrated on another seed by :mod:`infra.calibrate_ideas`, never on this one). Known
ideas are indexed in the in-memory term store, which the DynamoDB one mirrors call for call
(``terms`` = one ``BatchGetItem``, ``entries`` = one per 100 ideas). Per query: ``check_in`` (the
lookup, then the idea indexed), timed. Half the queries paraphrase a known idea, half are new ideas
with no duplicate. Times are the lookup's CPU time (``time.thread_time``): on a shared machine the
wall clock also counts other processes' turns (``p95_wall_ms`` shows it).

- ``recall_at_5``: paraphrases whose original is among the 5 candidates.
- ``precision``: of the merges proposed (top candidate at or above ``STRONG_MATCH``) over all
  queries, the share naming the right original: what the product owner is asked to merge.
- ``merge_recall``: paraphrases for which the right merge is proposed.
- ``new_ideas_proposed``: new ideas for which a merge is proposed anyway (all of them wrong).

Run alone: ``python -m infra.bench_ideas``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any

from infra.cost_model import PRICE, Usage, usage_cost
from infra.idea_corpus import generate
from talkworthy.ideas.dedupe import STRONG_MATCH, Deduper
from talkworthy.ideas.terms import MemoryTermStore

__all__ = ["EVALUATION_SEED", "Outcome", "idea_costs", "run"]

SIZES = (1_000, 10_000, 100_000)
QUERIES = 400
EVALUATION_SEED = 7


@dataclass(frozen=True)
class Outcome:
    seconds: float  # the lookup's CPU time (this thread's), then its wall-clock time
    wall: float
    want: str | None  # the original a paraphrase repeats; None for a new idea
    found: list[str]  # candidates, best first
    top: float  # the best candidate's similarity (0 when none)


def run(size: int, seed: int, queries: int = QUERIES) -> tuple[list[Outcome], MemoryTermStore]:
    corpus = generate(size, queries=queries, seed=seed)
    store = MemoryTermStore()
    deduper = Deduper(store)
    for idea in corpus.known:
        deduper.add(idea.ref, idea.title, idea.text)
    store.read_units = store.write_units = 0.0
    outcomes = []
    for query, want in [(q, w) for q, w in corpus.duplicates] + [(q, None) for q in corpus.novel]:
        started, cpu = time.perf_counter(), time.thread_time()
        found = deduper.check_in(query.ref, query.title, query.text)
        seconds, wall = time.thread_time() - cpu, time.perf_counter() - started
        outcomes.append(Outcome(seconds, wall, want, [c.ref for c in found], found[0].similarity if found else 0.0))
    return outcomes, store


def quality(outcomes: list[Outcome], threshold: float) -> dict[str, Any]:
    duplicates = [o for o in outcomes if o.want is not None]
    proposed = [o for o in outcomes if o.found and o.top >= threshold]
    right = [o for o in proposed if o.found[0] == o.want]
    return {
        "recall_at_5": round(sum(o.want in o.found for o in duplicates) / len(duplicates), 3),
        "precision": round(len(right) / len(proposed), 3) if proposed else None,
        "merge_recall": round(len(right) / len(duplicates), 3),
        "merges_proposed": len(proposed),
        "new_ideas_proposed": sum(o.want is None for o in proposed),
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _at(size: int) -> dict[str, Any]:
    outcomes, store = run(size, EVALUATION_SEED)
    times = [o.seconds for o in outcomes]
    return {
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(_percentile(times, 0.95) * 1000, 2),
        "p95_wall_ms": round(_percentile([o.wall for o in outcomes], 0.95) * 1000, 2),
        **quality(outcomes, STRONG_MATCH),
        "rcu_per_idea": round(store.read_units / len(outcomes), 1),
        "wcu_per_idea": round(store.write_units / len(outcomes), 1),
    }


def _usage_per_idea(rcu: float, wcu: float) -> Usage:
    """One new idea from a webhook, as the code path bills it (modelled, not metered):
    ingress (dedupe: 2 WCU), ``Idea.Submitted`` + 2 ``Action.Requested`` on the bus, one ideas
    delivery; the idea: a one-item transaction (2 WCU) and 3 consistent reads (3 RCU); dedupe: the
    term store's units as the bench counted them at 100 k ideas (three ``BatchGetItem``: the new
    idea's terms, the candidates' entries, their other words; one ``UpdateItem`` per term, the
    entry and the total)."""
    return Usage(
        api_requests=1,
        ingress_invocations=1,
        consumer_deliveries=1,
        events=3,
        wcu=2 + 2 + wcu,
        rcu=3 + rcu,
        aws_calls=1 + 4 + 3 + wcu,
    )


def idea_costs() -> dict[str, Any]:
    sizes = {f"{size // 1000}k": _at(size) for size in SIZES}
    usage = _usage_per_idea(sizes["100k"]["rcu_per_idea"], sizes["100k"]["wcu_per_idea"])
    cost = usage_cost(usage, cpu_seconds=sizes["100k"]["p95_ms"] / 1000)
    return {
        "known_ideas": sizes,
        "strong_match": STRONG_MATCH,
        "p95_growth_10k_to_100k": round(sizes["100k"]["p95_ms"] / sizes["10k"]["p95_ms"], 2),
        "cost_per_1m_usd": {k: round(v * 1e6, 2) for k, v in cost.items()},
        "cost_per_1m_usd_total": round(sum(cost.values()) * 1e6, 2),
        "goal": {"recall_at_5": 0.9, "precision": 0.8, "p95_ms": 20, "p95_growth": 2.0},
        "dynamodb_per_idea": {"wcu": usage.wcu, "rcu": usage.rcu, "price_per_wcu": PRICE["dynamodb_per_wcu"]},
    }


if __name__ == "__main__":
    json.dump({"ideas": idea_costs()}, sys.stdout, indent=2)
    print()
