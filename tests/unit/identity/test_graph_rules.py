"""The identity graph's rules, on the in-memory graph.

:class:`GraphRuleTests` holds every rule test against a ``make_graph`` fixture; the functional
suite runs the same class on DynamoDB (``tests/functional/test_identity_dynamodb.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talkworthy.catalog.mention import Author
from talkworthy.crm.port import Contact
from talkworthy.errors import InvalidInputError
from talkworthy.identity import IdentityGraph, InMemoryIdentityGraph

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
MakeGraph = Callable[[], IdentityGraph]


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FakeCrm:
    """``find_contact_by_email`` and nothing else, recording every lookup."""

    def __init__(self, *contacts: Contact) -> None:
        self.contacts = {c.email.lower(): c for c in contacts if c.email}
        self.lookups: list[str] = []

    def find_contact_by_email(self, email: str) -> Contact | None:
        self.lookups.append(email)
        return self.contacts.get(email.lower())


def author(handle: str, email: str | None = None) -> Author:
    return Author(handle=handle, email=email)


DANA = Contact(system="salesforce", contact_id="003A", email="dana@globex.example", tier="Platinum")


class GraphRuleTests:
    """Every rule, against whatever graph ``make_graph`` builds (with ``clock`` as its clock)."""

    @pytest.fixture
    def clock(self) -> Clock:
        return Clock()

    @pytest.fixture
    def graph(self, make_graph: MakeGraph) -> IdentityGraph:
        return make_graph()

    # -- profiles from handles and e-mails ---------------------------------------------------------

    def test_a_new_author_gets_a_new_profile(self, graph: IdentityGraph) -> None:
        identity = graph.resolve("twitter", author("alice")).identity
        assert identity.new_profile
        assert identity.profile_id.startswith("pr_")
        assert identity.evidence == ["handle:twitter/alice"]
        assert identity.confidence == 1.0
        assert graph.get_profile(identity.profile_id).handles == ["twitter/alice"]

    def test_the_same_handle_is_the_same_profile(self, graph: IdentityGraph) -> None:
        first = graph.resolve("twitter", author("Alice")).identity
        again = graph.resolve("Twitter", author("@alice")).identity
        assert again.profile_id == first.profile_id
        assert not again.new_profile
        assert again.evidence[0] == "handle:twitter/alice"

    def test_the_same_handle_on_another_platform_is_not_evidence(self, graph: IdentityGraph) -> None:
        on_twitter = graph.resolve("twitter", author("alice")).identity
        on_reddit = graph.resolve("reddit", author("alice")).identity
        assert on_reddit.new_profile
        assert on_reddit.profile_id != on_twitter.profile_id

    def test_an_unknown_handle_with_a_known_email_joins_that_profile(self, graph: IdentityGraph) -> None:
        first = graph.resolve("discourse", author("dana_g", "Dana@Globex.example")).identity
        second = graph.resolve("twitter", author("danag", "dana@globex.example ")).identity
        assert second.profile_id == first.profile_id
        assert not second.new_profile
        assert second.confidence == 0.9
        assert "email:dana@globex.example" in second.evidence
        profile = graph.get_profile(first.profile_id)
        assert profile.handles == ["discourse/dana_g", "twitter/danag"]
        assert profile.emails == ["dana@globex.example"]
        link = profile.link("handle:twitter/danag")
        assert link is not None
        assert (link.evidence, link.confidence, link.confirmed) == (["email:dana@globex.example"], 0.9, False)

    @pytest.mark.parametrize("other", ["dana+social@globex.example", "dana@globex.example.com", "not-an-email"])
    def test_only_an_exact_email_links(self, graph: IdentityGraph, other: str) -> None:
        first = graph.resolve("discourse", author("dana_g", "dana@globex.example")).identity
        second = graph.resolve("twitter", author("danag", other)).identity
        assert second.new_profile
        assert second.profile_id != first.profile_id

    def test_a_known_handle_gains_the_email_its_source_supplies(self, graph: IdentityGraph) -> None:
        first = graph.resolve("twitter", author("erin")).identity
        again = graph.resolve("twitter", author("erin", "erin@initech.example")).identity
        assert again.profile_id == first.profile_id
        assert graph.get_profile(first.profile_id).emails == ["erin@initech.example"]
        assert graph.profile_for("email:ERIN@initech.example") == first.profile_id

    def test_handle_and_email_on_two_profiles_are_never_merged(self, graph: IdentityGraph) -> None:
        by_handle = graph.resolve("twitter", author("frank")).identity.profile_id
        by_email = graph.resolve("reddit", author("frank_r", "frank@umbrella.example")).identity.profile_id
        identity = graph.resolve("twitter", author("frank", "frank@umbrella.example")).identity
        graph.resolve("twitter", author("frank", "frank@umbrella.example"))  # no second candidate
        assert identity.profile_id == by_handle
        kept, other = graph.get_profile(by_handle), graph.get_profile(by_email)
        assert (kept.profile_id, other.profile_id) == (by_handle, by_email)
        assert kept.emails == []
        assert other.emails == ["frank@umbrella.example"]
        assert graph.profile_for("email:frank@umbrella.example") == by_email
        [candidate] = kept.candidates
        assert candidate.profile_id == by_email
        assert candidate.confidence == 0.9
        assert "email:frank@umbrella.example is " + by_email in candidate.evidence

    # -- confirm, undo, merge ----------------------------------------------------------------------

    def test_a_confirmed_link_counts_as_certain(self, graph: IdentityGraph) -> None:
        pid = graph.resolve("discourse", author("gina", "gina@acme.example")).identity.profile_id
        assert graph.resolve("twitter", author("gina_t", "gina@acme.example")).identity.confidence == 0.9
        profile = graph.confirm_link(pid, "handle:twitter/gina_t", actor="U_SUPPORT")
        link = profile.link("handle:twitter/gina_t")
        assert link is not None
        assert link.confirmed
        assert link.confirmed_by == "U_SUPPORT"
        assert graph.resolve("twitter", author("gina_t")).identity.confidence == 1.0
        with pytest.raises(InvalidInputError):
            graph.confirm_link(pid, "handle:twitter/nobody")
        with pytest.raises(InvalidInputError):
            graph.confirm_link(pid, "nonsense")

    def test_undoing_a_handle_link_lets_the_next_mention_find_another_profile(self, graph: IdentityGraph) -> None:
        pid = graph.resolve("discourse", author("hank", "hank@acme.example")).identity.profile_id
        assert graph.resolve("twitter", author("hank_t", "hank@acme.example")).identity.profile_id == pid
        assert graph.undo_link(pid, "handle:twitter/hank_t", actor="U1")
        assert not graph.undo_link(pid, "handle:twitter/hank_t", actor="U1")  # twice is harmless
        after = graph.resolve("twitter", author("hank_t", "hank@acme.example")).identity
        assert after.new_profile
        assert after.profile_id != pid
        assert graph.get_profile(pid).handles == ["discourse/hank"]
        assert graph.get_profile(after.profile_id).emails == []  # the e-mail stays where it was
        assert graph.get_profile(after.profile_id).candidates == []  # a person said: not the same

    def test_resolve_hands_back_the_profile_as_stored(self, graph: IdentityGraph, clock: Clock) -> None:
        """What enrichment segments on is what a fresh read would give: new, known, linked, suggested."""
        crm = FakeCrm(DANA)
        steps = [
            ("twitter", author("dana", "dana@globex.example"), crm.find_contact_by_email),  # new, CRM-linked
            ("twitter", author("dana"), None),  # known
            ("reddit", author("dana_r", "dana@globex.example"), None),  # joins by e-mail
            ("reddit", author("kim"), None),
            ("reddit", author("kim", "kim@acme.example"), None),  # gains an e-mail
            ("twitter", author("dana", "kim@acme.example"), None),  # suggests a merge candidate
        ]
        for platform, who, lookup in steps:
            clock.advance(minutes=1)
            identity, profile = graph.resolve(platform, who, lookup)
            assert profile == graph.get_profile(identity.profile_id), (platform, who)
        assert [c.profile_id for c in profile.candidates] == [graph.profile_for("handle:reddit/kim")]
        assert profile.crm_contact_id == "003A"

    def test_an_undone_email_is_not_linked_again(self, graph: IdentityGraph) -> None:
        pid = graph.resolve("twitter", author("ivy", "ivy@shared.example")).identity.profile_id
        assert graph.undo_link(pid, "email:ivy@shared.example")
        graph.resolve("twitter", author("ivy", "ivy@shared.example"))
        assert graph.get_profile(pid).emails == []
        assert graph.profile_for("email:ivy@shared.example") is None

    def test_merge_is_explicit_and_leaves_a_tombstone(self, graph: IdentityGraph, clock: Clock) -> None:
        a = graph.resolve("twitter", author("jo")).identity.profile_id
        b = graph.resolve("reddit", author("jo_r", "jo@acme.example")).identity.profile_id
        graph.resolve("twitter", author("jo", "jo@acme.example"))  # candidate a -> b
        graph.record_interaction(a, "mention", clock.now)
        graph.record_interaction(b, "support_contact", clock.now - timedelta(days=2))
        merged = graph.merge(a, b, actor="U_LEAD")
        assert merged.profile_id == a
        assert merged.handles == ["reddit/jo_r", "twitter/jo"]
        assert merged.emails == ["jo@acme.example"]
        assert (merged.mention_count, merged.support_contacts) == (1, 1)
        assert merged.last_support_at == clock.now - timedelta(days=2)
        assert merged.candidates == []
        moved = merged.link("handle:reddit/jo_r")
        assert moved is not None
        assert moved.confirmed
        assert f"merged from {b} by U_LEAD" in moved.evidence
        assert graph.get_profile(b).profile_id == a  # old references resolve
        assert graph.resolve("reddit", author("jo_r")).identity.profile_id == a
        assert graph.profile_for("email:jo@acme.example") == a
        graph.record_interaction(b, "mention", clock.now)
        assert graph.get_profile(a).mention_count == 2
        assert graph.merge(a, b, actor="U_LEAD").profile_id == a  # again: nothing left to do

    def test_profiles_of_two_crm_contacts_are_not_merged(self, graph: IdentityGraph) -> None:
        crm = FakeCrm(DANA, Contact(system="salesforce", contact_id="003B", email="kim@acme.example"))
        a = graph.resolve(
            "twitter", author("dana", "dana@globex.example"), crm.find_contact_by_email
        ).identity.profile_id
        b = graph.resolve("twitter", author("kim", "kim@acme.example"), crm.find_contact_by_email).identity.profile_id
        with pytest.raises(InvalidInputError):
            graph.merge(a, b, actor="U_LEAD")
        assert graph.get_profile(b).profile_id == b

    # -- CRM ---------------------------------------------------------------------------------------

    def test_an_exact_crm_email_match_links_the_contact(self, graph: IdentityGraph) -> None:
        crm = FakeCrm(DANA)
        identity = graph.resolve("twitter", author("dana", "DANA@globex.example"), crm.find_contact_by_email).identity
        assert (identity.crm_system, identity.crm_contact_id) == ("salesforce", "003A")
        assert "crm:salesforce/003A by email" in identity.evidence
        assert crm.lookups == ["dana@globex.example"]
        profile = graph.get_profile(identity.profile_id)
        assert profile.tier == "Platinum"
        link = profile.link("crm:salesforce/003A")
        assert link is not None
        assert link.confidence == 0.9
        assert link.evidence[0] == "crm:salesforce/003A by email"
        assert graph.profile_for("crm:salesforce/003A") == identity.profile_id
        graph.resolve("twitter", author("dana"), crm.find_contact_by_email)
        assert crm.lookups == ["dana@globex.example"]  # linked: not asked again

    def test_a_contact_found_by_a_fuzzy_vendor_search_is_not_linked(self, graph: IdentityGraph) -> None:
        crm = FakeCrm()
        crm.contacts["dana@globex.example"] = DANA.model_copy(update={"email": "dana.g@globex.example"})
        identity = graph.resolve("twitter", author("dana", "dana@globex.example"), crm.find_contact_by_email).identity
        assert identity.crm_contact_id is None

    def test_no_email_no_crm_lookup(self, graph: IdentityGraph) -> None:
        crm = FakeCrm(DANA)
        assert graph.resolve("twitter", author("lee"), crm.find_contact_by_email).identity.crm_contact_id is None
        assert crm.lookups == []

    def test_a_profile_without_a_contact_is_rechecked_daily_not_per_mention(
        self, graph: IdentityGraph, clock: Clock
    ) -> None:
        crm = FakeCrm()
        graph.resolve("twitter", author("dana", "dana@globex.example"), crm.find_contact_by_email)
        crm.contacts["dana@globex.example"] = DANA
        clock.advance(hours=1)
        assert graph.resolve("twitter", author("dana"), crm.find_contact_by_email).identity.crm_contact_id is None
        clock.advance(hours=24)
        assert graph.resolve("twitter", author("dana"), crm.find_contact_by_email).identity.crm_contact_id == "003A"
        assert crm.lookups == ["dana@globex.example", "dana@globex.example"]

    def test_undoing_a_crm_link_clears_it_for_good(self, graph: IdentityGraph, clock: Clock) -> None:
        crm = FakeCrm(DANA)
        pid = graph.resolve(
            "twitter", author("dana", "dana@globex.example"), crm.find_contact_by_email
        ).identity.profile_id
        assert graph.undo_link(pid, "crm:salesforce/003A", actor="U1")
        profile = graph.get_profile(pid)
        assert (profile.crm_system, profile.crm_contact_id, profile.tier) == (None, None, None)
        assert graph.profile_for("crm:salesforce/003A") is None
        clock.advance(days=2)
        again = graph.resolve("twitter", author("dana", "dana@globex.example"), crm.find_contact_by_email).identity
        assert again.profile_id == pid
        assert again.crm_contact_id is None

    # -- interactions and reads --------------------------------------------------------------------

    def test_interactions_are_counted_once_per_event(self, graph: IdentityGraph, clock: Clock) -> None:
        pid = graph.resolve("twitter", author("max")).identity.profile_id
        assert graph.record_interaction(pid, "mention", clock.now, event_key="ev-1")
        assert not graph.record_interaction(pid, "mention", clock.now, event_key="ev-1")
        graph.record_interaction(pid, "support_contact", clock.now - timedelta(days=1))
        graph.record_interaction(pid, "support_contact", clock.now - timedelta(days=3))  # late, older
        profile = graph.get_profile(pid)
        assert (profile.mention_count, profile.support_contacts) == (1, 2)
        assert profile.last_support_at == clock.now - timedelta(days=1)

    def test_unknown_profiles_are_invalid_input(self, graph: IdentityGraph, clock: Clock) -> None:
        with pytest.raises(InvalidInputError):
            graph.get_profile("pr_missing")
        with pytest.raises(InvalidInputError):
            graph.record_interaction("pr_missing", "mention", clock.now)
        assert graph.profile_for("handle:twitter/nobody") is None

    # -- the property ------------------------------------------------------------------------------

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["twitter", "reddit"]),
                st.sampled_from(["ann", "bob", "cy", "di"]),
                st.none() | st.sampled_from(["ann@x.example", "bob@x.example", "ANN@x.example"]),
            ),
            min_size=1,
            max_size=12,
        )
    )
    def test_resolving_never_merges_separately_created_profiles(
        self, make_graph: MakeGraph, steps: list[tuple[str, str, str | None]]
    ) -> None:
        graph = make_graph()
        created: list[str] = []
        first_seen: dict[str, str] = {}
        for platform, handle, email in steps:
            identity = graph.resolve(platform, author(handle, email)).identity
            if identity.new_profile:
                created.append(identity.profile_id)
            first_seen.setdefault(f"{platform}/{handle}", identity.profile_id)
            assert identity.profile_id == first_seen[f"{platform}/{handle}"]  # a handle never moves
        assert len(set(created)) == len(created)
        owners: dict[str, str] = {}
        for pid in created:
            profile = graph.get_profile(pid)
            assert profile.profile_id == pid  # still itself: not merged into another
            for ref in [f"handle:{h}" for h in profile.handles] + [f"email:{e}" for e in profile.emails]:
                assert owners.setdefault(ref, pid) == pid  # no identifier on two profiles
                assert graph.profile_for(ref) == pid


class TestInMemoryGraphRules(GraphRuleTests):
    @pytest.fixture
    def make_graph(self, clock: Clock) -> MakeGraph:
        return lambda: InMemoryIdentityGraph(clock=clock)


def test_the_in_memory_graph_is_race_safe() -> None:
    import threading

    graph = InMemoryIdentityGraph()
    results: list[str] = []
    start = threading.Barrier(8)

    def resolve() -> None:
        start.wait()
        results.append(graph.resolve("twitter", author("race", "race@x.example")).identity.profile_id)

    workers = [threading.Thread(target=resolve) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(set(results)) == 1


def test_an_interrupted_merge_is_finished_by_merging_again() -> None:
    graph = InMemoryIdentityGraph(clock=Clock())
    a = graph.resolve("twitter", author("nia")).identity.profile_id
    b = graph.resolve("reddit", author("nia_r", "nia@x.example")).identity.profile_id
    assert graph.store.tombstone(b, a, "U_LEAD", T0)  # the merge stopped right after its first step
    assert graph.get_profile(a).handles == ["twitter/nia"]
    merged = graph.merge(a, b, actor="U_LEAD")
    assert merged.handles == ["reddit/nia_r", "twitter/nia"]
    assert merged.emails == ["nia@x.example"]


def test_interaction_times_must_carry_a_timezone() -> None:
    graph = InMemoryIdentityGraph(clock=Clock())
    pid = graph.resolve("twitter", author("oz")).identity.profile_id
    with pytest.raises(InvalidInputError):
        graph.record_interaction(pid, "mention", datetime(2025, 3, 1))
