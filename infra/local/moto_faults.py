"""The embedded AWS's share of the fault plan (``infra/local/faults.py``), around moto's WSGI app.

Each request is looked at before moto sees it: a slow answer, the ingress's outage (its Firehose
stream, and its dedupe table if asked, unreachable: the connection is dropped), and the built-in
CRM's 500, 429 (DynamoDB's ``ThrottlingException``), refusals (``ValidationException``) and
timeouts (the call hangs, then the connection drops).
The client's own code (botocore's retries, the adapters' error mapping) does the rest.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

from infra.local.faults import Faults

__all__ = ["INJECTED_PATH", "install"]

INJECTED_PATH = "/_faults/injected"

_DYNAMODB_ERROR = "com.amazonaws.dynamodb.v20120810#"
# data calls only: provisioning (CreateTable, CreateDeliveryStream, ...) is never failed
_DATA_CALLS = frozenset(
    {
        "PutRecord",
        "PutRecordBatch",
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


def _names_table(body: bytes, suffix: str) -> bool:
    name = rb'"[A-Za-z0-9_.-]*' + re.escape(suffix.encode()) + rb'"'
    return re.search(rb'"TableName"\s*:\s*' + name + rb"|" + name + rb"\s*:\s*\{", body) is not None


def _body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _drop(environ: dict[str, Any]) -> list[bytes]:
    """Close the client's connection before any answer, as a network fault does. waitress puts no
    socket in the environ; its disconnect check is bound to the connection's channel, which has it."""
    channel = getattr(environ.get("waitress.client_disconnected"), "__self__", None)
    connection = getattr(channel, "socket", None)
    if connection is not None:
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
    return []


def _dynamodb_error(start_response: Callable[..., Any], status: str, kind: str) -> list[bytes]:
    body = json.dumps({"__type": _DYNAMODB_ERROR + kind, "message": f"injected fault: {kind}"}).encode()
    start_response(status, [("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(body)))])
    return [body]


def install(faults: Faults, set_attribute: Callable[[Any, str, Any], None] = setattr) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.__call__

    def with_faults(self: Any, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == INJECTED_PATH:  # what was injected so far, for the mesh's reports
            answer = json.dumps(faults.injected).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))])
            return [answer]
        plan = faults.plan
        if not plan.enabled:
            return original(self, environ, start_response)
        if faults.draw("slow", {"slow": plan.slow.rate}):
            time.sleep(plan.slow.seconds)
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if target.rpartition(".")[2] not in _DATA_CALLS:
            return original(self, environ, start_response)
        dynamodb = target.startswith("DynamoDB_")
        body = _body(environ) if dynamodb else b""
        outage = plan.ingress_outage
        for_ingress = target.startswith("Firehose_") or (
            outage.dedupe_table and dynamodb and _names_table(body, outage.table_suffix)
        )
        if for_ingress and faults.ingress_outage_now():
            return _drop(environ)
        crm = plan.crm
        if dynamodb and _names_table(body, crm.table_suffix):
            fault = faults.draw(
                "crm",
                {
                    "crm_400": crm.refuse_400,
                    "crm_500": crm.error_500,
                    "crm_429": crm.throttle_429,
                    "crm_timeout": crm.timeout,
                },
            )
            if fault == "crm_400":
                return _dynamodb_error(start_response, "400 Bad Request", "ValidationException")
            if fault == "crm_500":
                return _dynamodb_error(start_response, "500 Internal Server Error", "InternalServerError")
            if fault == "crm_429":
                return _dynamodb_error(start_response, "400 Bad Request", "ThrottlingException")
            if fault == "crm_timeout":
                time.sleep(crm.hang_seconds)
                return _drop(environ)
        return original(self, environ, start_response)

    set_attribute(DomainDispatcherApplication, "__call__", with_faults)
