"""One local mesh per test module: the same runtime `make run` and `make demo` use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.local.mesh import LocalMesh, MeshConfig


@pytest.fixture(scope="module")
def mesh() -> Iterator[LocalMesh]:
    with LocalMesh(MeshConfig(ingress_port=0, trace_stream=None)) as running:
        yield running
