"""Post a message with an image to Slack through the files API (slack_sdk's ``files_upload_v2``).

``files.getUploadURLExternal`` → upload the bytes → ``files.completeUploadExternal`` with the
channel and the message text as ``initial_comment``: one message in the channel, with the image.
slack_sdk is imported only when the adapter is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from talkworthy.errors import PermanentError, RetryableError
from talkworthy.notify.slack import RETRYABLE_ERRORS

if TYPE_CHECKING:
    from slack_sdk import WebClient

__all__ = ["ImagePoster", "SlackImagePoster"]


class ImagePoster(Protocol):
    def post_image(self, channel: str, text: str, filename: str, content: bytes, title: str, alt: str) -> str:
        """Share ``content`` in ``channel`` with ``text``; returns the file id."""
        ...


class SlackImagePoster:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def post_image(self, channel: str, text: str, filename: str, content: bytes, title: str, alt: str) -> str:
        from slack_sdk.errors import SlackApiError, SlackRequestError

        try:
            answer = self._client.files_upload_v2(
                channel=channel, initial_comment=text, filename=filename, content=content, title=title, alt_txt=alt
            )
        except SlackApiError as err:
            code, status = str(err.response.get("error", "")), err.response.status_code
            message = f"Slack files upload failed: {code} (HTTP {status})"
            if status == 429 or status >= 500 or code in RETRYABLE_ERRORS:
                raise RetryableError(message) from err
            raise PermanentError(message) from err
        except (SlackRequestError, OSError) as err:  # the upload URL refused the bytes, or was unreachable
            raise RetryableError(f"Slack files upload failed: {err}") from err
        return str(answer["file"]["id"])
