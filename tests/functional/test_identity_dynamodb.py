"""The identity graph and thread store on DynamoDB (moto): the same rules as in memory, race-safe, no Scan.

Tables are created here with MeshTable's key schema (``pk``/``sk``, GSI ``gsi1`` on
``gsi1pk``/``gsi1sk`` projecting ALL, TTL ``expires_at``) so every test and every hypothesis
example gets a fresh one; :func:`test_on_the_mesh_table_from_the_template` runs on the table
template.yaml provisions.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.local.moto_server import atomic_dynamodb_items
from infra.local.provision import create_table
from infra.local.template import load_template
from talkworthy.crm.port import Contact
from talkworthy.identity import (
    DynamoDbIdentityGraph,
    DynamoDbThreadStore,
    IdentityGraph,
    InMemoryIdentityGraph,
    InMemoryThreadStore,
    ThreadStore,
)
from tests.unit.identity.test_graph_rules import T0, Clock, FakeCrm, GraphRuleTests, MakeGraph, author
from tests.unit.identity.test_threads import MENTIONS, ThreadRuleTests, history, mention

_names = itertools.count(1)
MESH_TABLE = load_template()["Resources"]["MeshTable"]["Properties"]


class Calls:
    """Every DynamoDB operation the code under test sent, by name (and its parameters); a Scan
    fails on the spot."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.params: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.names.append(model.name)
        if model.name == "Scan":
            raise AssertionError("the identity code must never Scan the mesh table")

    def record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.params.append((model.name, dict(params)))

    def clear(self) -> None:
        self.names.clear()
        self.params.clear()

    def writes(self) -> list[str]:
        return sorted(name for name in self.names if name in _WRITES)

    def consistent(self, name: str) -> list[bool]:
        """Per call named ``name``: whether it asked for a strongly consistent read."""
        flags = []
        for called, params in self.params:
            if called == name:
                table = params.get("RequestItems", {})
                flags.append(bool(next(iter(table.values()), params).get("ConsistentRead")))
        return flags


_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


@pytest.fixture
def calls(aws: boto3.Session) -> Calls:
    return Calls()


@pytest.fixture
def make_table(aws: boto3.Session, calls: Calls) -> Iterator[Callable[[], Any]]:
    dynamodb = aws.resource("dynamodb")
    client = dynamodb.meta.client
    client.meta.events.register("before-call.dynamodb", calls)
    client.meta.events.register("provide-client-params.dynamodb", calls.record)

    def make() -> Any:
        name = f"mesh-{next(_names)}"
        create_table(client, {**MESH_TABLE, "TableName": name})  # MeshTable as template.yaml declares it
        calls.clear()  # count only what the code under test does
        return dynamodb.Table(name)

    yield make
    assert "Scan" not in calls.names


@pytest.fixture
def serial_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB checks a condition and writes atomically, and reads an item atomically; moto does
    not lock between the two, and updates a stored map (a profile's ``links``) in place while
    another thread's read may be walking it.

    Without this lock two threads could both pass moto's ``attribute_not_exists``, or a read could
    fail half-way: races in the emulator, not in DynamoDB. Closing them (one call at a time) tests
    the graph's own race handling, which is between calls, under real threads.
    """
    atomic_dynamodb_items(monkeypatch.setattr)  # the embedded AWS's own bridge (README, moto gaps)


class TestDynamoDbGraphRules(GraphRuleTests):
    @pytest.fixture
    def make_graph(self, make_table: Callable[[], Any], clock: Clock) -> MakeGraph:
        return lambda: DynamoDbIdentityGraph(make_table(), clock=clock)


class TestDynamoDbThreads(ThreadRuleTests):
    @pytest.fixture
    def make_store(self, make_table: Callable[[], Any]) -> Callable[[], ThreadStore]:
        return lambda: DynamoDbThreadStore(make_table())


def _race(count: int, work: Callable[[], str]) -> list[str]:
    start = threading.Barrier(count)
    results: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            results.append(work())
        except Exception as err:  # reported below: a worker's failure must fail the test
            errors.append(err)

    workers = [threading.Thread(target=run) for _ in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    return results


@pytest.mark.usefixtures("serial_calls")
def test_concurrent_first_mentions_create_one_profile(aws: boto3.Session, make_table: Callable[[], Any]) -> None:
    table = make_table()
    graph = DynamoDbIdentityGraph(table)
    results = _race(8, lambda: graph.resolve("twitter", author("race", "race@x.example")).identity.profile_id)
    assert len(set(results)) == 1
    inspect = aws.client("dynamodb")  # not the hooked client: the test may look at everything
    heads = inspect.scan(
        TableName=table.name,
        FilterExpression="sk = :head",
        ExpressionAttributeValues={":head": {"S": "PROFILE"}},
    )["Items"]
    assert [item["pk"]["S"] for item in heads] == [f"PROFILE#{results[0]}"]
    assert graph.get_profile(results[0]).emails == ["race@x.example"]


@pytest.mark.usefixtures("serial_calls")
def test_concurrent_mentions_of_one_platform_thread_share_it(make_table: Callable[[], Any]) -> None:
    store = DynamoDbThreadStore(make_table())
    posts = iter(range(100, 108))
    lock = threading.Lock()

    def assign() -> str:
        with lock:
            post = str(next(posts))
        return store.assign_thread(mention(post, thread_hint="t-1", handle=f"u{post}"), f"pr_{post}", "question")

    assert len(set(_race(8, assign))) == 1


@pytest.mark.usefixtures("serial_calls")
def test_concurrent_first_mentions_of_a_handle_alone_create_one_profile(
    aws: boto3.Session, make_table: Callable[[], Any]
) -> None:
    table = make_table()
    graph = DynamoDbIdentityGraph(table)
    results = _race(8, lambda: graph.resolve("twitter", author("solo")).identity.profile_id)
    assert len(set(results)) == 1
    assert _profile_items(aws, table) == [f"PROFILE#{results[0]}"]  # losers leave nothing behind


@pytest.mark.usefixtures("serial_calls")
def test_concurrent_first_mentions_sharing_an_email_converge(aws: boto3.Session, make_table: Callable[[], Any]) -> None:
    table = make_table()
    graph = DynamoDbIdentityGraph(table)
    crm = FakeCrm(Contact(system="hubspot", contact_id="77", email="team@x.example", tier="Gold"))
    handles = iter(range(6))
    lock = threading.Lock()

    def resolve() -> str:
        with lock:
            handle = f"member{next(handles)}"
        return graph.resolve("twitter", author(handle, "team@x.example"), crm.find_contact_by_email).identity.profile_id

    results = _race(6, resolve)
    assert len(set(results)) == 1  # one created it, the others joined it by the e-mail
    assert _profile_items(aws, table) == [f"PROFILE#{results[0]}"]
    profile = graph.get_profile(results[0])
    assert len(profile.handles) == 6
    assert (profile.emails, profile.crm_contact_id) == (["team@x.example"], "77")
    assert graph.profile_for("crm:hubspot/77") == results[0]


def _profile_items(aws: boto3.Session, table: Any) -> list[str]:
    inspect = aws.client("dynamodb")  # not the hooked client: the test may look at everything
    heads = inspect.scan(
        TableName=table.name,
        FilterExpression="sk = :head",
        ExpressionAttributeValues={":head": {"S": "PROFILE"}},
    )["Items"]
    return sorted(item["pk"]["S"] for item in heads)


# -- a creation that stops between its two writes ------------------------------------------------


class Crash(Exception):
    """The function stopped here (timeout, out of memory, ...)."""


def _stop_before_the_profile_item(monkeypatch: pytest.MonkeyPatch, table: Any) -> None:
    original = table.put_item

    def put_item(**kwargs: Any) -> Any:
        if kwargs["Item"]["sk"] == "PROFILE":
            raise Crash
        return original(**kwargs)

    monkeypatch.setattr(table, "put_item", put_item)


def test_a_creation_that_stopped_is_finished_by_the_next_mention(
    aws: boto3.Session, make_table: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    table = make_table()
    crm = FakeCrm(Contact(system="hubspot", contact_id="77", email="ann@x.example", tier="Gold"))
    crashing = DynamoDbIdentityGraph(table)
    _stop_before_the_profile_item(monkeypatch, table)
    with pytest.raises(Crash):
        crashing.resolve("twitter", author("ann", "ann@x.example"), crm.find_contact_by_email)
    monkeypatch.undo()
    assert _profile_items(aws, table) == []  # the index entries are there, the profile is not

    graph = DynamoDbIdentityGraph(aws.resource("dynamodb").Table(table.name))  # the retry, elsewhere
    identity = graph.resolve("twitter", author("ann", "ann@x.example"), crm.find_contact_by_email).identity
    assert not identity.new_profile  # it was made (half) by the first attempt
    assert (identity.crm_system, identity.crm_contact_id) == ("hubspot", "77")
    assert crm.lookups == ["ann@x.example"]  # the first attempt's answer was kept, not asked again
    profile = graph.get_profile(identity.profile_id)
    assert (profile.handles, profile.emails, profile.tier) == (["twitter/ann"], ["ann@x.example"], "Gold")
    assert graph.profile_for("crm:hubspot/77") == identity.profile_id  # in gsi1 once finished
    assert _profile_items(aws, table) == [f"PROFILE#{identity.profile_id}"]


def test_a_creation_that_stopped_is_finished_whichever_ref_is_followed(
    aws: boto3.Session, make_table: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    table = make_table()
    _stop_before_the_profile_item(monkeypatch, table)
    with pytest.raises(Crash):
        DynamoDbIdentityGraph(table).resolve("discourse", author("bea", "bea@x.example"))
    monkeypatch.undo()
    graph = DynamoDbIdentityGraph(table)
    by_email = graph.profile_for("email:bea@x.example")
    assert by_email is not None
    assert graph.profile_for("handle:discourse/bea") == by_email
    joined = graph.resolve("twitter", author("bea_t", "bea@x.example")).identity  # rule 2 on the finished one
    assert joined.profile_id == by_email
    assert graph.get_profile(by_email).handles == ["discourse/bea", "twitter/bea_t"]


def test_a_reader_finishing_a_creation_under_way_does_not_fork_it(
    aws: boto3.Session, make_table: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    table = make_table()
    reader = DynamoDbIdentityGraph(aws.resource("dynamodb").Table(table.name))
    original = table.put_item
    seen: list[str | None] = []

    def put_item(**kwargs: Any) -> Any:
        if kwargs["Item"]["sk"] == "PROFILE":  # between the creator's two writes, a reader comes by
            seen.append(reader.profile_for("handle:twitter/cy"))
            reader.record_interaction(str(seen[0]), "mention", T0)
        return original(**kwargs)

    monkeypatch.setattr(table, "put_item", put_item)
    created = DynamoDbIdentityGraph(table).resolve("twitter", author("cy")).identity
    assert created.new_profile
    assert seen == [created.profile_id]
    assert _profile_items(aws, table) == [f"PROFILE#{created.profile_id}"]
    assert reader.get_profile(created.profile_id).mention_count == 1  # the creator did not overwrite it


# -- what a mention costs --------------------------------------------------------------------------


def test_resolving_a_known_author_costs_one_get_and_one_query(make_table: Callable[[], Any], calls: Calls) -> None:
    graph = DynamoDbIdentityGraph(make_table())
    crm = FakeCrm(Contact(system="hubspot", contact_id="77", email="ann@x.example", tier="Gold"))
    graph.resolve("twitter", author("ann", "ann@x.example"), crm.find_contact_by_email)
    calls.clear()
    identity = graph.resolve("twitter", author("ann", "ann@x.example"), crm.find_contact_by_email).identity
    assert identity.crm_contact_id == "77"
    assert sorted(calls.names) == ["GetItem", "Query"]  # the profile holds the e-mail: its entry is not read
    assert calls.consistent("GetItem") == calls.consistent("Query") == [True]


def test_a_new_author_costs_two_single_writes_and_no_read_back(make_table: Callable[[], Any], calls: Calls) -> None:
    graph = DynamoDbIdentityGraph(make_table())
    identity = graph.resolve("twitter", author("dee"), FakeCrm().find_contact_by_email).identity
    assert identity.new_profile
    assert sorted(calls.names) == ["GetItem", "PutItem", "PutItem"]


def test_a_new_author_with_an_email_and_a_contact_costs_one_small_transaction(
    make_table: Callable[[], Any], calls: Calls
) -> None:
    graph = DynamoDbIdentityGraph(make_table())
    crm = FakeCrm(Contact(system="hubspot", contact_id="77", email="eve@x.example", tier="Gold"))
    identity = graph.resolve("twitter", author("eve", "eve@x.example"), crm.find_contact_by_email).identity
    assert identity.crm_contact_id == "77"
    assert sorted(calls.names) == ["GetItem", "GetItem", "PutItem", "TransactWriteItems"]
    [(_, transaction)] = [call for call in calls.params if call[0] == "TransactWriteItems"]
    assert len(transaction["TransactItems"]) == 2  # the two index entries; the profile item is one put


def test_a_new_thread_writes_each_key_once_and_a_redelivery_writes_nothing(
    make_table: Callable[[], Any], calls: Calls
) -> None:
    store = DynamoDbThreadStore(make_table())
    first = mention("1", url="https://x.example/a", thread_hint="t9")
    assert store.assign_thread(first, "pr_a", "question") == "th_twitter_1"
    assert calls.writes() == ["PutItem", "PutItem", "PutItem", "UpdateItem"]  # post, hint, URL, topic
    assert calls.consistent("BatchGetItem") == [True]  # post, hint, URL and topic: one read, current
    assert len(calls.names) == 5
    calls.clear()
    assert store.assign_thread(first, "pr_a", "question") == "th_twitter_1"
    assert calls.names == ["BatchGetItem"]  # the read alone: nothing to write
    calls.clear()
    later = mention("2", hours=1)
    assert store.assign_thread(later, "pr_a", "question") == "th_twitter_1"
    assert calls.writes() == ["PutItem", "UpdateItem"]  # its post key; the topic slides
    assert len(calls.names) == 3
    calls.clear()
    again = mention("3", hours=1)  # the topic key already as late as this one: left alone, no re-read
    assert store.assign_thread(again, "pr_a", "question") == "th_twitter_1"
    assert sorted(calls.names) == ["BatchGetItem", "PutItem"]


def test_on_the_mesh_table_from_the_template(mesh_table: Any) -> None:
    graph, threads = DynamoDbIdentityGraph(mesh_table), DynamoDbThreadStore(mesh_table)
    crm = FakeCrm(Contact(system="hubspot", contact_id="77", email="ann@x.example", tier="Gold"))
    identity = graph.resolve("twitter", author("ann", "ann@x.example"), crm.find_contact_by_email).identity
    assert identity.crm_contact_id == "77"
    assert graph.profile_for("crm:hubspot/77") == identity.profile_id  # through gsi1
    assert threads.assign_thread(mention("1"), identity.profile_id, "question") == "th_twitter_1"


# -- the two graphs behave alike -------------------------------------------------------------------

_HANDLES = st.sampled_from(["ann", "bob", "cy"])
_EMAILS = st.none() | st.sampled_from(["ann@x.example", "bob@x.example", "crm@x.example"])
_STEP = st.one_of(
    st.tuples(st.just("resolve"), st.sampled_from(["twitter", "reddit"]), _HANDLES, _EMAILS),
    st.tuples(st.just("undo"), st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.just("confirm"), st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.just("merge"), st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.just("count"), st.integers(0, 5), st.sampled_from(["mention", "support_contact"])),
    st.tuples(st.just("later"), st.integers(1, 30)),
)


class _Run:
    """One graph, with its profile ids renamed P0, P1, ... in creation order so runs compare."""

    def __init__(self, graph: IdentityGraph, clock: Clock) -> None:
        self.graph, self.clock, self.crm = (
            graph,
            clock,
            FakeCrm(Contact(system="s", contact_id="9", email="crm@x.example")),
        )
        self.ids: list[str] = []

    def name(self, text: str) -> str:
        return re.sub(r"pr_[0-9a-f]{32}", lambda m: f"P{self.ids.index(m.group())}", text)

    def step(self, step: tuple[Any, ...]) -> Any:
        kind, *args = step
        if kind == "later":
            self.clock.advance(hours=args[0])
            return None
        if kind == "resolve":
            identity = self.graph.resolve(args[0], author(args[1], args[2]), self.crm.find_contact_by_email).identity
            if identity.new_profile:
                self.ids.append(identity.profile_id)
            return self.name(identity.model_dump_json())
        if not self.ids:
            return None
        pid, other = self.ids[args[0] % len(self.ids)], args[1]
        if kind == "count":
            return self.graph.record_interaction(pid, other, self.clock())
        if kind == "merge":
            try:
                return self.name(self.graph.merge(pid, self.ids[other % len(self.ids)], "U").model_dump_json())
            except Exception as err:
                return type(err).__name__
        links = self.graph.get_profile(pid).links
        if not links:
            return None
        ref = links[other % len(links)].ref
        if kind == "undo":
            return self.graph.undo_link(pid, ref, "U")
        return self.name(self.graph.confirm_link(pid, ref, "U").model_dump_json())

    def state(self) -> list[str]:
        return [self.name(self.graph.get_profile(pid).model_dump_json()) for pid in self.ids]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(MENTIONS)
def test_dynamodb_and_in_memory_threads_agree(make_table: Callable[[], Any], steps: list[tuple[Any, ...]]) -> None:
    expected = history(InMemoryThreadStore(), steps)
    assert history(DynamoDbThreadStore(make_table()), steps) == expected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_STEP, min_size=1, max_size=14))
def test_dynamodb_and_in_memory_graphs_agree(make_table: Callable[[], Any], steps: list[tuple[Any, ...]]) -> None:
    memory_clock, dynamo_clock = Clock(), Clock()
    memory = _Run(InMemoryIdentityGraph(clock=memory_clock), memory_clock)
    dynamo = _Run(DynamoDbIdentityGraph(make_table(), clock=dynamo_clock), dynamo_clock)
    for step in steps:
        assert dynamo.step(step) == memory.step(step), step
    assert dynamo.state() == memory.state()
