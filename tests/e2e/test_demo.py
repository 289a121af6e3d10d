"""`make demo`'s scenarios pass through the local mesh: webhook in, handlers, Slack message out."""

from __future__ import annotations

from infra.demo import run_demo
from infra.local.mesh import LocalMesh


def test_demo_scenarios_produce_every_expected_effect(mesh: LocalMesh) -> None:
    failures = run_demo(mesh=mesh)
    assert failures == []
    texts = [m.get("text", "") for m in mesh.sink.messages()]
    assert any("Dana Whitfield" in text for text in texts)
    assert all(depth == 0 for depth in mesh.dlq_depths().values())
