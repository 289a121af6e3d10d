"""Where the rules come from: the packaged defaults, or an SSM parameter ops can change without a deploy.

:class:`SsmOverride` is the same for any packaged document (the people directory uses it too).

The override is a String parameter (Advanced tier when the YAML is over 4 KB) holding a *whole*
rules document. A missing parameter means "no override": the fallback rules apply. A document that
does not validate never reaches the router: the last good rules (or the fallback) stay in force and
the problem is kept in ``last_error`` and logged, so a typo in the console cannot crash a handler.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any, Generic, Protocol, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from talkworthy.routing.loader import RulesError
from talkworthy.routing.rules import RulesDocument, load_rules

__all__ = ["PackagedRules", "RulesSource", "SsmOverride", "SsmOverrideRules", "load_default_rules"]

T = TypeVar("T")

logger = logging.getLogger(__name__)


class RulesSource(Protocol):
    def current(self) -> RulesDocument: ...


class SsmClient(Protocol):
    def get_parameter(self, *, Name: str) -> Mapping[str, Any]: ...


@cache
def load_default_rules() -> RulesDocument:
    """The rules shipped in the package (``default_rules.yaml``), read and validated once."""
    text = resources.files("talkworthy.routing").joinpath("default_rules.yaml").read_text(encoding="utf-8")
    return load_rules(text)


class PackagedRules:
    def current(self) -> RulesDocument:
        return load_default_rules()


class SsmOverride(Generic[T]):
    """A document from an SSM parameter, re-read at most every ``max_age_seconds``.

    ``parse`` turns the parameter's text into the document and raises one of ``errors`` when it
    does not validate. ``origin`` says what is in force: ``ssm`` (the override), ``fallback`` (no
    parameter, or no good override yet) or ``last_good`` (the override changed to something invalid
    or SSM failed).
    """

    def __init__(
        self,
        ssm_client: SsmClient,
        parameter_name: str,
        fallback: T,
        parse: Callable[[str], T],
        errors: tuple[type[Exception], ...],
        max_age_seconds: float = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ssm = ssm_client
        self._name = parameter_name
        self._fallback = fallback
        self._parse = parse
        self._errors = errors
        self._max_age = max_age_seconds
        self._clock = clock
        self._document = fallback
        self._good: T | None = None
        self._good_text: str | None = None
        self._fetched_at: float | None = None
        self.origin = "fallback"
        self.last_error: Exception | None = None

    def current(self) -> T:
        now = self._clock()
        if self._fetched_at is None or now - self._fetched_at >= self._max_age:
            self._fetched_at = now
            self._refresh()
        return self._document

    def _refresh(self) -> None:
        try:
            text = str(self._ssm.get_parameter(Name=self._name)["Parameter"]["Value"])
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") == "ParameterNotFound":
                self._use(self._fallback, "fallback", error=None)
                self._good, self._good_text = None, None
                return
            self._keep(err)
            return
        except BotoCoreError as err:
            self._keep(err)
            return
        if text == self._good_text and self._good is not None:
            self._use(self._good, "ssm", error=None)
            return
        try:
            document = self._parse(text)
        except self._errors as err:
            self._keep(err)
            return
        self._good, self._good_text = document, text
        self._use(document, "ssm", error=None)

    def _keep(self, err: Exception) -> None:
        """Something is wrong with the override: keep what worked, say why."""
        kept = self._good if self._good is not None else self._fallback
        origin = "last_good" if self._good is not None else "fallback"
        logger.warning("override %s not applied, keeping the %s document: %s", self._name, origin, err)
        self._use(kept, origin, error=err)

    def _use(self, document: T, origin: str, error: Exception | None) -> None:
        self._document, self.origin, self.last_error = document, origin, error


class SsmOverrideRules(SsmOverride[RulesDocument]):
    """Routing rules from an SSM parameter (see :class:`SsmOverride`)."""

    def __init__(
        self,
        ssm_client: SsmClient,
        parameter_name: str,
        fallback: RulesDocument,
        max_age_seconds: float = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(ssm_client, parameter_name, fallback, load_rules, (RulesError,), max_age_seconds, clock)
