"""DynamoDbChannelPacer against moto's DynamoDB, on ``MeshTable`` provisioned from template.yaml."""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest

from infra.local.moto_server import atomic_dynamodb_items
from talkworthy.errors import ConfigurationError
from talkworthy.notify import DynamoDbChannelPacer, PacedChat, PacerBusyError, RecordingChat
from talkworthy.notify.pacer import POST_INTERVAL

T0 = 1_700_000_000.0


@pytest.fixture
def serial_item_writes(monkeypatch) -> None:
    """DynamoDB applies writes to one item one at a time; moto's check-then-write has no lock.

    Without the embedded AWS's bridge (``infra.local.moto_server``), two threads could both pass
    moto's condition check, or be answered with each other's new values: races in the emulator, not
    in DynamoDB, closed here as in the local mesh to test the pacer's own logic under concurrency.
    """
    atomic_dynamodb_items(monkeypatch.setattr)


@pytest.fixture
def table(mesh_table: Any) -> Any:
    """``MeshTable`` as template.yaml declares it (``pk``/``sk``, TTL on ``expires_at``)."""
    return mesh_table


def test_slots_are_a_second_apart_per_channel(table):
    pacer = DynamoDbChannelPacer(table, interval=1.0)

    assert [pacer.reserve("C1", T0) for _ in range(3)] == [T0, T0 + 1, T0 + 2]
    assert pacer.reserve("C2", T0 + 0.25) == T0 + 0.25
    assert pacer.reserve("C1", T0 + 60) == T0 + 60


def test_a_slot_costs_one_write_idle_or_queued_behind_the_last_one_seen(table):
    pacer, other = DynamoDbChannelPacer(table, interval=1.0), DynamoDbChannelPacer(table, interval=1.0)
    writes: list[str] = []
    table.meta.client.meta.events.register("before-call.dynamodb", lambda model, **_: writes.append(model.name))

    slots = [pacer.reserve("C1", T0, horizon=10.0) for _ in range(4)]
    assert slots == [T0, T0 + 1, T0 + 2, T0 + 3]
    assert len(writes) == 4  # idle once, then queued behind the slot it just took
    writes.clear()
    assert other.reserve("C1", T0, horizon=10.0) == T0 + 4  # a container that has not seen it busy
    assert len(writes) == 2
    writes.clear()
    assert pacer.reserve("C1", T0 + 60, horizon=10.0) == T0 + 60  # long after the last slot seen: idle
    assert len(writes) == 1
    table.delete_item(Key={"pk": "PACE#C1", "sk": "PACE"})  # expired (TTL) behind the hint's back
    writes.clear()
    assert pacer.reserve("C1", T0 + 60.5, horizon=10.0) == T0 + 60.5  # the hint was wrong: then idle
    assert len(writes) == 2
    for _ in range(10):
        pacer.reserve("C1", T0 + 60.5, horizon=10.0)
    with pytest.raises(PacerBusyError):  # queued first, as it last saw: refused beyond the horizon
        pacer.reserve("C1", T0 + 60.5, horizon=10.0)
    assert float(table.get_item(Key={"pk": "PACE#C1", "sk": "PACE"})["Item"]["next_at"]) == T0 + 71.5


def test_item_shape_and_ttl(table):
    DynamoDbChannelPacer(table, interval=1.0, ttl_seconds=300).reserve("C1", T0, horizon=10.0)

    item = table.get_item(Key={"pk": "PACE#C1", "sk": "PACE"})["Item"]
    assert float(item["next_at"]) == T0 + 1
    assert T0 + 300 < int(item["expires_at"]) <= T0 + 320
    ttl = table.meta.client.describe_time_to_live(TableName=table.name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"


def test_beyond_the_horizon_nothing_is_taken(table):
    pacer = DynamoDbChannelPacer(table, interval=1.0)
    for _ in range(3):
        pacer.reserve("C1", T0, horizon=2.0)

    with pytest.raises(PacerBusyError) as caught:
        pacer.reserve("C1", T0, horizon=2.0)
    assert caught.value.retry_after == pytest.approx(3.0)
    assert float(table.get_item(Key={"pk": "PACE#C1", "sk": "PACE"})["Item"]["next_at"]) == T0 + 3


@pytest.mark.usefixtures("serial_item_writes")
def test_concurrent_reservations_never_share_a_slot(table):
    pacer = DynamoDbChannelPacer(table, interval=1.0, max_attempts=50)
    slots: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(24)

    def reserve(offset: float) -> None:
        start.wait()
        try:
            slot = pacer.reserve("C1", T0 + offset)
        except Exception as err:  # reported below, so a failure names its cause
            errors.append(err)
            return
        with lock:
            slots.append(slot)

    threads = [threading.Thread(target=reserve, args=(n % 3 * 0.4,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    ordered = sorted(slots)
    assert len(ordered) == 24
    assert all(later - earlier >= 1.0 - 1e-6 for earlier, later in itertools.pairwise(ordered))


def test_paced_chat_over_dynamodb(table):
    chat = RecordingChat()
    now = [T0]
    waits: list[float] = []
    paced = PacedChat(chat, DynamoDbChannelPacer(table), sleep=waits.append, max_wait=10.0, clock=lambda: now[0])

    paced.post("C1", "one", [])
    paced.post("C1", "two", [])
    paced.post("C2", "other", [])

    assert [call.text for call in chat.posts] == ["one", "two", "other"]
    assert waits == [pytest.approx(POST_INTERVAL)]


def test_a_missing_table_is_a_configuration_error(aws):
    missing = aws.resource("dynamodb").Table("Nope")
    with pytest.raises(ConfigurationError):
        DynamoDbChannelPacer(missing).reserve("C1", T0)
