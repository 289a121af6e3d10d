"""`talkworthy status` lists open surges: a burst of complaints through a running local mesh, the
care lead takes the incident, the brand falls silent, and the surge resolves with nobody posting."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from infra.cli.app import app
from infra.demo_surge import _burst, _click_owner, _digest, _send, complaint
from infra.local.mesh import LocalMesh, MeshConfig

runner = CliRunner()
PARAMETERS = {
    "SurgeBucketSeconds": "6",  # enrichment batching under load still fills two buckets in a row
    "SurgeGraceSeconds": "2",
    "SurgeSilenceSeconds": "6",
    "SurgeScanSchedule": "rate(1 second)",
    "SurgeMinCount": "6",
    "SurgeQuietBuckets": "12",  # over a minute of silence: time to look while it is open
}


@pytest.fixture(scope="module")
def surge_mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMesh]:
    endpoints = tmp_path_factory.mktemp("mesh") / "mesh.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TALKWORTHY_MESH_FILE", str(endpoints))
        config = MeshConfig(ingress_port=0, trace_stream=None, endpoints_file=endpoints, extra_parameters=PARAMETERS)
        with LocalMesh(config) as mesh:
            yield mesh


def _status() -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["status", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # the mesh's handlers run in this process and print their metrics lines meanwhile: read the status's own
    found, _ = json.JSONDecoder().raw_decode(result.output[result.output.index('{\n  "target"') :])
    return found  # type: ignore[no-any-return]


def _until(check, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return False


def test_status_lists_an_open_surge_with_its_owner_until_the_silent_brand_resolves_it(surge_mesh: LocalMesh) -> None:
    assert _status()["open_surges"] == []
    for n in range(3):  # a few ordinary buckets first: the detector's cold start has something usual to compare with
        assert _send(surge_mesh, complaint(n, run="before-surge")) == 202
        time.sleep(int(PARAMETERS["SurgeBucketSeconds"]))
    assert all(status == 202 for status in _burst(surge_mesh, 60, per_second=5))
    assert _until(lambda: surge_mesh.published["Surge.Detected"] and _digest(surge_mesh), timeout=180)
    failures: list[str] = []
    _click_owner(surge_mesh, _digest(surge_mesh) or {}, "U05SAMORTIZ", failures)
    assert failures == []

    table = runner.invoke(app, ["status"], catch_exceptions=False).output
    surges = _status()["open_surges"]
    assert [(s["topic"], s["subject"], s["owner"]) for s in surges] == [("brand/complaint", "complaints", "Sam Ortiz")]
    assert surges[0]["mentions"] >= 12
    assert 6 <= surges[0]["peak"] <= surges[0]["mentions"]
    assert surges[0]["bucket_seconds"] == 6
    assert "open surges" in table
    assert "brand/complaint" in table
    assert "Sam Ortiz" in table

    # nobody mentions anything any more: the scheduled scan counts empty buckets and resolves it
    assert _until(lambda: surge_mesh.published["Surge.Resolved"] == 1, timeout=240)
    assert _status()["open_surges"] == []
    assert "open surges: none" in runner.invoke(app, ["status"], catch_exceptions=False).output
    surge_mesh.wait_idle(timeout=60)
    assert "Resolved" in json.dumps((_digest(surge_mesh) or {}).get("blocks", []))
