"""Where moto's cost grows with the work, bridged so the embedded AWS keeps pace (README, moto gaps).

Each bridge keeps AWS's semantics and changes only how much work moto does for them:

- SQS: where a receive, a send or a delete costs more the deeper the queue
  (``infra/local/moto_sqs.py``).
- EventBridge: every matched target re-parses the default input template's JSONPath expressions
  with PLY (about 1 ms each, 7-14 ms per delivered event). Parsed expressions are kept.
- EventBridge: the bus's archive keeps every event as a parsed dict, about 5 KB of moto's memory
  per event (18 KB a mention). Each is kept as its JSON text and parsed again when a replay reads it.
- The server: each request's backend is found by listing moto's package directory and matching
  every service's URL patterns, and the response class's methods are listed to find the action's
  handler. The backend found for a host, and each class's method names, are kept.
- DynamoDB ``Query`` sorts every item of the table to keep the matching ones; it reads only what
  can match (``infra/local/moto_queries.py``).
- The server: every call passes through a Flask app (request context, URL map, CORS, form parsing)
  before moto's response class sees it. A JSON-protocol call (``POST /`` with ``X-Amz-Target``:
  DynamoDB, SQS, EventBridge, Firehose, SSM, nearly every call the mesh makes) is handed to the
  same response class's ``dispatch`` directly, as moto's in-process mode does.
- DynamoDB ``TransactWriteItems`` deep-copies every table it touches (so its cost and moto's memory
  grow with the table) to roll back. All conditions are checked before anything is written (under
  the item lock of ``atomic_dynamodb_items``), and only the touched items are kept for a rollback.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from infra.local import moto_queries, moto_sqs

__all__ = ["install"]

SetAttribute = Callable[[Any, str, Any], None]


def parsed_jsonpath_kept(set_attribute: SetAttribute = setattr) -> None:
    import jsonpath_ng.ext

    parse = getattr(jsonpath_ng.ext.parse, "__wrapped__", jsonpath_ng.ext.parse)
    set_attribute(jsonpath_ng.ext, "parse", functools.lru_cache(maxsize=256)(parse))


def lean_transactions(set_attribute: SetAttribute = setattr) -> None:
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        seen: set[tuple[str, str]] = set()
        before: list[tuple[str, dict[str, Any], Any]] = []  # (table, key, item before) of each write
        errors: list[tuple[Any, Any, Any]] = []
        for entry in transact_items:  # 1. check everything, write nothing
            if len(entry) > 1:
                raise TransactWriteSingleOpException
            op_type, op = next(iter(entry.items()))
            original_item = None
            try:
                if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                    raise ValueError("Unsupported transaction operation")
                table_name = op["TableName"]
                key = _key(self.get_table(table_name), op) if op_type == "Put" else op["Key"]
                ident = (str(table_name), str(dict(sorted(key.items()))))
                if ident in seen:
                    raise MultipleTransactionsException()
                seen.add(ident)
                current = self.get_item(table_name, key)
                if op.get("ConditionExpression") is not None:
                    condition = get_filter_expression(
                        op["ConditionExpression"],
                        op.get("ExpressionAttributeNames"),
                        op.get("ExpressionAttributeValues"),
                    )
                    if not condition.expr(current):
                        if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                            original_item = current.to_json()["Attributes"]
                        raise ConditionalCheckFailed(item=original_item)
                if op_type != "ConditionCheck":
                    before.append((table_name, key, copy.deepcopy(current)))
                errors.append((None, None, None))
            except (MultipleTransactionsException, MockValidationException):
                raise
            except ConditionalCheckFailed as err:
                errors.append(("ConditionalCheckFailed", str(err.message), original_item))
            except Exception as err:
                errors.append((type(err).__name__, str(err), original_item))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
        try:  # 2. write, in order; nothing can have changed in between (one lock)
            for entry in transact_items:
                _write(self, *next(iter(entry.items())))
        except Exception:
            for table_name, key, item in reversed(before):
                if item is None:
                    self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, item.to_json()["Attributes"])
            raise

    set_attribute(DynamoDBBackend, "transact_write_items", transact_write_items)


def _key(table: Any, op: dict[str, Any]) -> dict[str, Any]:
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _write(backend: Any, op_type: str, op: dict[str, Any]) -> None:
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    if op_type == "Put":
        backend.put_item(
            op["TableName"], op["Item"], expression_attribute_names=names, expression_attribute_values=values
        )
    elif op_type == "Delete":
        backend.delete_item(
            op["TableName"], op["Key"], expression_attribute_names=names, expression_attribute_values=values
        )
    elif op_type == "Update":
        backend.update_item(
            op["TableName"],
            op["Key"],
            update_expression=op["UpdateExpression"],
            expression_attribute_names=names,
            expression_attribute_values=values,
        )


class _ArchivedAsJson(list[str]):
    """An archive's events as moto's ``Archive.events`` uses them (``append``, ``len``, iteration),
    each kept as its JSON text."""

    def append(self, event: Any) -> None:
        super().append(json.dumps(event, separators=(",", ":")))

    def __iter__(self) -> Any:
        return (json.loads(text) for text in super().__iter__())


def archive_kept_as_json(set_attribute: SetAttribute = setattr) -> None:
    from moto.events.models import Archive

    create = getattr(Archive.__init__, "__wrapped__", Archive.__init__)

    @functools.wraps(create)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        create(self, *args, **kwargs)
        self.events = _ArchivedAsJson(self.events)

    set_attribute(Archive, "__init__", __init__)


def backend_per_host_kept(set_attribute: SetAttribute = setattr) -> None:
    """moto's server finds a request's backend by listing its own package directory and matching
    every service's URL patterns, for each request; the answer depends only on the host."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    find = getattr(DomainDispatcherApplication.get_backend_for_host, "__wrapped__", None)
    find = find or DomainDispatcherApplication.get_backend_for_host
    kept: dict[str | None, Any] = {}

    @functools.wraps(find)
    def get_backend_for_host(self: Any, host: str | None) -> Any:
        if host not in kept:
            kept[host] = find(self, host)
        return kept[host]

    set_attribute(DomainDispatcherApplication, "get_backend_for_host", get_backend_for_host)


def method_names_kept(set_attribute: SetAttribute = setattr) -> None:
    """moto lists a response class's methods (``inspect.getmembers``) on every request to find the
    action's handler; the list depends only on the class (bridges replace methods, never add)."""
    from moto.core import responses

    listed = getattr(responses.method_names_from_class, "__wrapped__", responses.method_names_from_class)
    set_attribute(responses, "method_names_from_class", functools.lru_cache(maxsize=None)(listed))


def json_calls_dispatched_directly(set_attribute: SetAttribute = setattr) -> None:
    """A JSON-protocol call goes to moto's response class without the Flask app around it.

    The route is the one the service's Flask app would take for ``POST /`` (looked up once per
    service); the request is the one moto's Flask app builds (``BackendRequest``), the answer the
    one it sends (``convert_to_flask_response``: a ``ClientError`` is a 400 with its message).
    A call from a browser (an ``Origin`` header: CORS decides its headers) and every other request
    still go through moto's Flask apps.
    """
    from flask import Response
    from moto.moto_api import recorder
    from moto.moto_server.werkzeug_app import BackendRequest, DomainDispatcherApplication
    from moto.settings import DISABLE_GLOBAL_CORS

    original = getattr(DomainDispatcherApplication.__call__, "__wrapped__", DomainDispatcherApplication.__call__)
    routes: dict[str, Callable[..., Any]] = {}

    def route(app: Any) -> Callable[..., Any]:
        if app.service not in routes:
            endpoint, _ = app.url_map.bind("localhost").match("/", method="POST")
            routes[app.service] = app.view_functions[endpoint].callback
        return routes[app.service]

    @functools.wraps(original)
    def dispatch(self: Any, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if (
            environ.get("REQUEST_METHOD") != "POST"
            or "HTTP_X_AMZ_TARGET" not in environ
            or environ.get("PATH_INFO") != "/"
            or "HTTP_ORIGIN" in environ
        ):
            return original(self, environ, start_response)
        callback = route(self.get_application(environ))
        request = BackendRequest(environ)
        recorder._record_request(request)
        try:
            result = callback(request, request.raw_url, dict(request.headers))
        except ClientError as exc:
            result = 400, {}, exc.response["Error"]["Message"]
        status, headers, content = result if len(result) == 3 else (200, {}, result)
        answer = Response(response=content, status=status, headers=headers)
        if not DISABLE_GLOBAL_CORS:  # what flask_cors adds to a call with no Origin
            answer.headers.setdefault("Access-Control-Allow-Origin", "*")
        return answer(environ, start_response)

    set_attribute(DomainDispatcherApplication, "__call__", dispatch)


def install(set_attribute: SetAttribute = setattr) -> None:
    json_calls_dispatched_directly(set_attribute)
    backend_per_host_kept(set_attribute)
    method_names_kept(set_attribute)
    moto_queries.install(set_attribute)
    moto_sqs.install(set_attribute)
    parsed_jsonpath_kept(set_attribute)
    archive_kept_as_json(set_attribute)
    lean_transactions(set_attribute)
