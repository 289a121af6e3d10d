"""Which communities Talkworthy watches: JSON configuration (``COMMUNITIES_JSON``).

``[{"community_id": "community.acme.example", "base_url": "https://community.acme.example",
"digest_channel": "C0COMMUNITY"}]``. ``community_id`` is the forum's host, as its webhooks name it
(``X-Discourse-Instance``). The admin API keys are not configuration: they are a JSON document
``{"<community_id>": "<api key>"}`` in Secrets Manager, read by the composition root.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, TypeAdapter, ValidationError

from talkworthy.errors import ConfigurationError

__all__ = ["CommunityConfig", "parse_communities"]


class CommunityConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    community_id: str = Field(min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=100, description="how people call it; the id otherwise")
    base_url: HttpUrl
    api_username: str = Field(default="system", min_length=1, max_length=60)
    digest_channel: str = Field(pattern=r"^[CGD][A-Z0-9]{2,}$")

    @property
    def title(self) -> str:
        return self.name or self.community_id

    @property
    def api_base(self) -> str:
        return str(self.base_url).rstrip("/")


def parse_communities(json_text: str) -> list[CommunityConfig]:
    try:
        return TypeAdapter(list[CommunityConfig]).validate_python(json.loads(json_text or "[]"))
    except (ValueError, ValidationError) as err:
        raise ConfigurationError(f"COMMUNITIES_JSON: {err}") from err
