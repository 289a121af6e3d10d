"""The embedded AWS: moto's server, with the bridges that keep it faithful to AWS under load.

``python -m infra.local.moto_server -H 127.0.0.1 -p PORT`` serves moto on that address. The
server answers requests on concurrent threads, and moto's DynamoDB reads the current item, checks
the write's condition and then writes, without a lock; it also updates a stored map in place while
another thread's read may be walking it. So two concurrent conditional puts of one key can both
succeed (two copies of one webhook delivery both accepted, then published twice). Real DynamoDB is
atomic per item, so here every DynamoDB item operation runs under one lock: a condition and the
write it guards are one step, a write's returned values are the ones it wrote, and a read sees a
whole item, as in AWS.

HTTP is served by waitress, not moto's own werkzeug development server: werkzeug starts a thread
per connection and closes the connection after each answer, so every boto3 call paid for a new TCP
connection and a new thread; waitress keeps connections alive (as AWS's endpoints do) and answers
from a fixed pool of threads, about a quarter less CPU per call on both sides. The pool is sized for
the mesh's long-polling receives (one per queue, plus the concurrent batches under a backlog).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["ITEM_OPERATIONS", "atomic_dynamodb_items", "main"]

ITEM_OPERATIONS = (
    "put_item",
    "update_item",
    "delete_item",
    "transact_write_items",
    "get_item",
    "query",
    "scan",
    "batch_get_item",
    "batch_write_item",  # its puts and deletes also keep the index postings (moto_queries.py)
)


def atomic_dynamodb_items(set_attribute: Callable[[Any, str, Any], None] = setattr) -> None:
    """Run moto's DynamoDB item operations one at a time in this process (in-process moto too).

    ``set_attribute`` is how the backend's methods are replaced (tests pass ``monkeypatch.setattr``
    so the originals come back afterwards).
    """
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()  # re-entrant: a transaction's writes go through put_item/update_item

    def locked(operation: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(operation)
        def under_lock(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return operation(*args, **kwargs)

        return under_lock

    for name in ITEM_OPERATIONS:
        set_attribute(DynamoDBBackend, name, locked(getattr(DynamoDBBackend, name)))
    # The request handlers too: moto builds an answer's ReturnValues (UPDATED_NEW, ALL_OLD, ...)
    # from the live item after the backend call returns, when another write may have changed it.
    from moto.dynamodb.responses import DynamoHandler

    for name in ITEM_OPERATIONS:
        set_attribute(DynamoHandler, name, locked(getattr(DynamoHandler, name)))


THREADS = 64  # 19 queues long-poll at once, each mapping up to its MaximumConcurrency under a backlog
CONNECTIONS = 1000  # kept-alive connections: every boto3 client in the mesh keeps a pool of its own


def main(argv: list[str] | None = None) -> None:
    import waitress
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from infra.local import moto_bridges, moto_faults
    from infra.local.faults import faults_from_env

    parser = argparse.ArgumentParser(prog="python -m infra.local.moto_server")
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    os.environ.setdefault("MOTO_PORT", str(args.port))  # as moto_server sets it: moto builds URLs with it
    moto_bridges.install()
    faults = faults_from_env()
    if faults.path is not None:  # TALKWORTHY_FAULTS names a fault plan
        moto_faults.install(faults)
    atomic_dynamodb_items()  # after: it wraps the bridged transaction too
    app = DomainDispatcherApplication(create_backend_app)
    waitress.serve(app, host=args.host, port=args.port, threads=THREADS, connection_limit=CONNECTIONS, _quiet=True)


if __name__ == "__main__":
    main()
