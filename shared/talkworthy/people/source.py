"""Where the people directory comes from: the packaged YAML, or an SSM parameter (no redeploy)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from talkworthy.people import Directory, DirectoryError, load_default_directory, load_directory
from talkworthy.routing.source import SsmClient, SsmOverride

__all__ = ["DirectorySource", "PackagedDirectory", "SsmOverrideDirectory"]


class DirectorySource(Protocol):
    def current(self) -> Directory: ...


class PackagedDirectory:
    def current(self) -> Directory:
        return load_default_directory()


class SsmOverrideDirectory(SsmOverride[Directory]):
    def __init__(
        self,
        ssm_client: SsmClient,
        parameter_name: str,
        fallback: Directory,
        max_age_seconds: float = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            ssm_client, parameter_name, fallback, load_directory, (DirectoryError,), max_age_seconds, clock
        )
