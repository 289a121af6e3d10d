"""Talkworthy ingress API (Chalice). Routes only: the pipeline lives in chalicelib."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib.openapi import openapi_document
from chalicelib.wiring import ingress, respond, to_http_request
from talkworthy.settings import IngressSettings

SETTINGS = IngressSettings
app = Chalice(app_name="talkworthy-ingress")

# Empty: Chalice then skips its own content-type check, and the pipeline answers 415 with the
# content type each source expects, in the same JSON shape as every other rejection.
WEBHOOK_CONTENT_TYPES: list[str] = []


@app.middleware("http")
def json_content_type(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """Every answer is JSON. Say so: an HTTP API sends text/plain when the Lambda names no type."""
    response = get_response(request)
    if not any(name.lower() == "content-type" for name in response.headers):
        response.headers["Content-Type"] = "application/json"
    return response


def _webhook(source: str, path_params: dict[str, str]) -> Response:
    request = app.current_request
    path = "/webhooks/" + "/".join(path_params.values())
    pipeline, publish_once = ingress()
    if app.lambda_context is not None:
        publish_once.once.config.register_lambda_context(app.lambda_context)
    result = respond(pipeline.handle(to_http_request(request, source, path, path_params)))
    return Response(result["body"], status_code=result["status_code"], headers=result["headers"])


@app.route("/webhooks/{source}", methods=["POST"], content_types=WEBHOOK_CONTENT_TYPES)
def webhook(source: str) -> Response:
    return _webhook(source, {"source": source})


@app.route("/webhooks/{source}/{token}", methods=["POST"], content_types=WEBHOOK_CONTENT_TYPES)
def webhook_with_token(source: str, token: str) -> Response:
    return _webhook(source, {"source": source, "token": token})


@app.route("/openapi.json", methods=["GET"])
def openapi() -> dict[str, Any]:
    return openapi_document()


@app.route("/health", methods=["GET"])
def health() -> dict[str, str]:
    return {"status": "ok"}
