"""The scheduled poller runs in the local mesh: feed entries become Mention.Received, once."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from infra.local.mesh import LocalMesh, MeshConfig

FEEDS = Path(__file__).parents[2] / "events" / "feeds"


@pytest.fixture(scope="module")
def feed_server() -> Iterator[str]:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(FEEDS))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_feed_entries_are_published_once(feed_server: str) -> None:
    feeds = [{"feed_id": "acme-alerts", "kind": "atom", "url": f"{feed_server}/google_alerts.atom.xml"}]
    config = MeshConfig(ingress_port=0, trace_stream=None, extra_parameters={"FeedsJson": json.dumps(feeds)})
    entries = (FEEDS / "google_alerts.atom.xml").read_text().count("<entry>")
    with LocalMesh(config) as mesh:
        assert mesh.wait_idle(timeout=60)
        assert mesh.published["Mention.Received"] == entries
        assert mesh.published["Mention.Enriched"] == entries
        mesh.fire_schedule("PollFeedsFunction")  # a second run: every entry was seen already
        assert mesh.wait_idle(timeout=60)
        assert mesh.published["Mention.Received"] == entries
        assert mesh.trace.outcomes["pollfeeds:ok"] == 2
