"""Talkworthy ingress API (Chalice). Routes only: the pipeline lives in chalicelib."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib.openapi import openapi_document
from chalicelib.wiring import action_links, ingress, respond, surveys, to_http_request
from talkworthy.settings import IngressSettings

SETTINGS = IngressSettings
app = Chalice(app_name="talkworthy-ingress")

# Empty: Chalice then skips its own content-type check, and the pipeline answers 415 with the
# content type each source expects, in the same JSON shape as every other rejection.
WEBHOOK_CONTENT_TYPES: list[str] = []


@app.middleware("http")
def json_content_type(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """Every answer with a body is JSON. Say so: an HTTP API sends text/plain when the Lambda names
    no type. An empty answer (Slack's ``view_submission``) has no type."""
    response = get_response(request)
    if response.body != "" and not any(name.lower() == "content-type" for name in response.headers):
        response.headers["Content-Type"] = "application/json"
    return response


def _webhook(source: str, path_params: dict[str, str]) -> Response:
    request = app.current_request
    path = "/webhooks/" + "/".join(path_params.values())
    pipeline, _ = ingress()  # its dedupe records expire by their own deadline (IdempotentPublisher)
    result = respond(pipeline.handle(to_http_request(request, source, path, path_params)))
    return Response(result["body"], status_code=result["status_code"], headers=result["headers"])


@app.route("/webhooks/{source}", methods=["POST"], content_types=WEBHOOK_CONTENT_TYPES)
def webhook(source: str) -> Response:
    return _webhook(source, {"source": source})


@app.route("/webhooks/{source}/{token}", methods=["POST"], content_types=WEBHOOK_CONTENT_TYPES)
def webhook_with_token(source: str, token: str) -> Response:
    return _webhook(source, {"source": source, "token": token})


def _html(status: int, body: str) -> Response:
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
    }
    return Response(body, status_code=status, headers=headers)


@app.route("/actions/{token}", methods=["GET"])
def action_link_page(token: str) -> Response:
    """What an e-mail action link will do; a scanner opening it changes nothing."""
    page = action_links().confirm_page(token)
    return _html(page.status, page.body)


@app.route("/actions/{token}", methods=["POST"], content_types=WEBHOOK_CONTENT_TYPES)
def action_link_confirm(token: str) -> Response:
    """The confirmation form's submit: the action, once per link."""
    context = app.current_request.context or {}
    page = action_links().act(token, str(context.get("requestId") or uuid.uuid4()))
    return _html(page.status, page.body)


@app.route("/surveys/{token}", methods=["GET"])
def survey_page(token: str) -> Response:
    """A survey rating link: the rating preselected and a comment box; reading it records nothing."""
    page = surveys().page(token)
    return _html(page.status, page.body)


@app.route("/surveys/{token}", methods=["POST"], content_types=WEBHOOK_CONTENT_TYPES)
def survey_answer(token: str) -> Response:
    """The survey form's submit: the rating and comment, once per survey."""
    request = app.current_request
    context = request.context or {}
    raw = request.raw_body or b""
    page = surveys().answer(
        token, raw if isinstance(raw, bytes) else raw.encode(), str(context.get("requestId") or uuid.uuid4())
    )
    return _html(page.status, page.body)


@app.route("/openapi.json", methods=["GET"])
def openapi() -> dict[str, Any]:
    return openapi_document()


@app.route("/health", methods=["GET"])
def health() -> dict[str, str]:
    return {"status": "ok"}
