"""Near-duplicate detection: datasketch's MinHash, LSH buckets whose reads do not grow with the corpus."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash

from infra.idea_corpus import generate
from talkworthy.ideas.dedupe import BANDS, Deduper, MemoryBandStore, bucket_keys, features, signature


def test_the_signature_is_datasketchs_legacy_minhash() -> None:
    found = features("Dark mode for the mobile app", "Please add a dark theme, my eyes hurt at night")
    reference = MinHash(num_perm=128, seed=1, scheme="legacy")
    reference.update_batch([f.encode() for f in found])
    assert signature(found) == tuple(int(v) for v in np.asarray(reference.hashvalues))


def test_a_paraphrase_is_the_top_candidate_and_a_strong_match() -> None:
    deduper = Deduper(MemoryBandStore())
    deduper.add("canny:1", "Add dark mode in the mobile app", "We need a dark theme in the mobile app")
    deduper.add("canny:2", "Export invoices as CSV", "Accounting wants CSV exports of invoices")
    found = deduper.candidates(
        "mention:x:9", "Please add dark mode to the mobile app", "A dark theme for mobile, please"
    )
    assert [c.ref for c in found][:1] == ["canny:1"]
    assert found[0].strong


def test_an_unrelated_idea_has_no_strong_match_and_an_idea_is_never_its_own_candidate() -> None:
    deduper = Deduper(MemoryBandStore())
    deduper.add("canny:1", "Add dark mode in the mobile app")
    assert not any(c.strong for c in deduper.candidates("canny:3", "Recurring invoices for enterprise plans"))
    assert [c.ref for c in deduper.candidates("canny:1", "Add dark mode in the mobile app")] == []


def test_a_lookup_reads_one_bucket_per_band_whatever_the_corpus_size() -> None:
    class Counting(MemoryBandStore):
        reads: list[int] = []

        def members(self, keys):  # type: ignore[no-untyped-def]
            self.reads.append(len(keys))
            return super().members(keys)

    store = Counting()
    deduper = Deduper(store)
    corpus = generate(500, queries=20)
    for idea in corpus.known:
        deduper.add(idea.ref, idea.title, idea.text)
    for query, _ in corpus.duplicates:
        deduper.candidates(query.ref, query.title, query.text)
    assert set(store.reads) == {BANDS}


def test_adding_again_changes_nothing() -> None:
    store = MemoryBandStore()
    deduper = Deduper(store)
    deduper.add("canny:1", "Add dark mode")
    before = {k: set(v) for k, v in store.buckets.items()}
    deduper.add("canny:1", "Add dark mode")
    assert store.buckets == before
    assert len(bucket_keys(signature(features("Add dark mode")))) == BANDS
    deduper.remove("canny:1", "Add dark mode")
    assert not store.members(bucket_keys(signature(features("Add dark mode"))))
