"""The mesh table's item kinds cannot collide: one partition-key prefix per kind."""

from __future__ import annotations

from talkworthy import keys


def test_each_kind_has_its_own_partition_prefix() -> None:
    partitions = {
        "profile": keys.profile("p1")["pk"],
        "identity": keys.identity("handle:x/p1")["pk"],
        "interaction": keys.interaction("p1")["pk"],
        "thread": keys.thread("p1")["pk"],
        "pace": keys.pace("p1")["pk"],
        "cursor": keys.cursor("p1")["pk"],
        "customer": keys.customer("p1")["pk"],
        "customer_email": keys.customer_email("p1@example.com")["pk"],
        "touches": keys.touch("p1", "2026-01-01T00:00:00Z", "k")["pk"],
        "idea": keys.idea("canny:p1")["pk"],
        "idea_notice": keys.idea_notice("canny:p1", "planned", "profile:p1")["pk"],
        "idea_term": keys.idea_term("w:dark")["pk"],
        "idea_entry": keys.idea_entry("canny:p1")["pk"],
        "origin": keys.origin("zendesk:1")["pk"],
        "loop": keys.loop("zendesk:1")["pk"],
        "feedback": keys.feedback("prf_1", "2026")["pk"],
        "feedback_tally": keys.feedback_tally("twitter", "vip")["pk"],
        "case_file": keys.case_file("dynamodb", "CS-1")["pk"],
    }
    prefixes = {kind: pk.partition("#")[0] for kind, pk in partitions.items()}
    assert len(set(prefixes.values())) == len(prefixes), prefixes


def test_a_profile_partition_holds_its_item_candidates_and_rejections() -> None:
    items = [keys.profile("p1"), keys.candidate("p1", "p2"), keys.rejected("p1", "email:a@example.com")]
    assert {item["pk"] for item in items} == {keys.profile_pk("p1")}
    assert [item["sk"] for item in items] == ["PROFILE", "CANDIDATE#p2", "REJECTED#email:a@example.com"]


def test_a_crm_linked_profile_is_found_under_the_identity_prefix() -> None:
    assert keys.crm_link_gsi("crm:hubspot/42") == "IDENTITY#crm:hubspot/42"


def test_due_customers_are_spread_over_a_few_stable_shards() -> None:
    shards = {keys.due_gsi(f"c-{n}") for n in range(200)}
    assert shards == {f"DUE#{n}" for n in range(keys.DUE_SHARDS)}
    assert keys.due_gsi("c-1") == keys.due_gsi("c-1")
