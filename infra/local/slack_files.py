"""Slack's external file upload for the local Slack sink, as ``files_upload_v2`` drives it.

1. ``files.getUploadURLExternal`` (``filename``, ``length``; optional ``alt_txt``) answers an
   ``upload_url`` and a ``file_id``;
2. the bytes are POSTed to that URL (answered ``OK - <length>``; a different length is refused);
3. ``files.completeUploadExternal`` (``files`` = JSON ``[{"id", "title"}]``, optional
   ``channel_id``, ``initial_comment``, ``thread_ts``) finishes it and, with a channel, shares
   the files there as one message whose text is the comment.

Errors are Slack's: ``invalid_arguments``, ``file_not_found``, ``file_upload_not_complete``
(completed before its bytes arrived), ``channel_not_found``. Uploaded files are served at
``/files/<id>/<name>`` (their ``url_private``), which is how the outbox shows an image.
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any

__all__ = ["SlackFiles"]

Reply = tuple[int, dict[str, str], Any]
_MAX_BYTES = 50 * 1024 * 1024
_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "txt": "text/plain"}


def _fail(error: str) -> Reply:
    return 200, {}, {"ok": False, "error": error}


class SlackFiles:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._files: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get_upload_url(self, params: dict[str, Any]) -> Reply:
        filename = str(params.get("filename") or "")
        try:
            length = int(params.get("length") or 0)
        except ValueError:
            length = 0
        if not filename or not 0 < length <= _MAX_BYTES:
            return _fail("invalid_arguments")
        file_id = f"F{secrets.token_hex(5).upper()}"
        with self._lock:
            self._files[file_id] = {
                "name": filename,
                "length": length,
                "alt_txt": params.get("alt_txt"),
                "content": None,
            }
        return 200, {}, {"ok": True, "upload_url": f"{self.base_url}/upload/v1/{file_id}", "file_id": file_id}

    def upload(self, file_id: str, body: bytes) -> Reply:
        with self._lock:
            entry = self._files.get(file_id)
            if entry is None:
                return 404, {}, "not found"
            if len(body) != entry["length"]:
                return 400, {}, f"length {len(body)} is not the declared {entry['length']}"
            entry["content"] = body
        return 200, {}, f"OK - {len(body)}"

    def complete(self, params: dict[str, Any]) -> tuple[Reply, list[dict[str, Any]]]:
        """The answer, and the shared files' descriptions (for the message the sink stores)."""
        try:
            listed = json.loads(str(params.get("files") or ""))
        except ValueError:
            return _fail("invalid_arguments"), []
        if not isinstance(listed, list) or not listed or not all(isinstance(f, dict) and f.get("id") for f in listed):
            return _fail("invalid_arguments"), []
        described = []
        with self._lock:
            for item in listed:
                entry = self._files.get(str(item["id"]))
                if entry is None:
                    return _fail("file_not_found"), []
                if entry["content"] is None:
                    return _fail("file_upload_not_complete"), []
                described.append(self._describe(str(item["id"]), entry, item.get("title")))
        return (200, {}, {"ok": True, "files": described}), described

    def _describe(self, file_id: str, entry: dict[str, Any], title: Any) -> dict[str, Any]:
        extension = entry["name"].rsplit(".", 1)[-1].lower() if "." in entry["name"] else ""
        url = f"{self.base_url}/files/{file_id}/{entry['name']}"
        return {
            "id": file_id,
            "name": entry["name"],
            "title": str(title or entry["name"]),
            "alt_txt": entry["alt_txt"],
            "mimetype": _TYPES.get(extension, "application/octet-stream"),
            "filetype": extension or "binary",
            "size": len(entry["content"]),
            "url_private": url,
            "permalink": url,
        }

    def serve(self, route: str) -> Reply:
        """``/files/<id>/<name>``: the bytes, with their type."""
        parts = route.split("/")
        with self._lock:
            entry = self._files.get(parts[2]) if len(parts) == 4 else None
        if entry is None or entry["content"] is None:
            return 404, {}, {"ok": False, "error": "file_not_found"}
        described = self._describe(parts[2], entry, None)
        return 200, {"Content-Type": described["mimetype"]}, entry["content"]

    def content(self, file_id: str) -> bytes | None:
        with self._lock:
            entry = self._files.get(file_id)
            return None if entry is None else entry["content"]
