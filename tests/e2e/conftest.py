"""One local mesh per test module: the same runtime `make run` and `make demo` use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.local.mesh import LocalMesh, MeshConfig

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is an end-to-end test: `-m e2e` / `-m "not e2e"` select by tier."""
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def cli_mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMesh]:
    """A mesh the operator CLI finds (through TALKWORTHY_MESH_FILE), one per test module."""
    endpoints = tmp_path_factory.mktemp("mesh") / "mesh.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TALKWORTHY_MESH_FILE", str(endpoints))
        with LocalMesh(MeshConfig(ingress_port=0, trace_stream=None, endpoints_file=endpoints)) as mesh:
            yield mesh
    assert not endpoints.exists()  # a stopped mesh is not advertised


@pytest.fixture(scope="module")
def mesh() -> Iterator[LocalMesh]:
    with LocalMesh(MeshConfig(ingress_port=0, trace_stream=None)) as running:
        yield running
