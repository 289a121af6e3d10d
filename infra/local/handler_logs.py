"""Where the handlers' own output goes while a local mesh runs.

On Lambda a handler's stdout (Powertools' JSON log lines and EMF metrics) goes to CloudWatch Logs,
not to anyone's terminal. Locally it goes to one file, so the console shows the trace and what the
command itself prints. Powertools loggers hold the stream they were built with, so those already
built are pointed at the file too, and all are pointed back when the mesh stops.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TextIO

__all__ = ["HandlerLogs"]


class HandlerLogs:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIO | None = None
        self._console: TextIO | None = None
        self._swapped: list[tuple[logging.StreamHandler[TextIO], TextIO]] = []
        self._root: logging.Handler | None = None

    def start(self) -> TextIO:
        """Send the process's stdout to the file; returns the console stream it replaced."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a", encoding="utf-8", buffering=1)
        self._console = sys.stdout
        for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
            for handler in getattr(logger, "handlers", []):
                if isinstance(handler, logging.StreamHandler) and handler.stream in (sys.stdout, sys.__stdout__):
                    self._swapped.append((handler, handler.stream))
                    handler.setStream(self._file)
        sys.stdout = self._file
        # Lambda's runtime gives the root logger a handler; without one, a plain `logging` warning
        # from a handler module would reach the console through logging's last resort.
        self._root = logging.StreamHandler(self._file)
        self._root.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logging.getLogger().addHandler(self._root)
        return self._console

    def stop(self) -> None:
        if self._file is None:
            return
        if self._root is not None:
            logging.getLogger().removeHandler(self._root)
            self._root = None
        for handler, stream in self._swapped:
            if handler.stream is self._file:
                handler.setStream(stream)
        console = self._console or sys.__stdout__
        for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
            for handler in getattr(logger, "handlers", []):  # loggers built while the mesh ran
                if isinstance(handler, logging.StreamHandler) and handler.stream is self._file and console:
                    handler.setStream(console)
        if sys.stdout is self._file:
            sys.stdout = console
        self._swapped = []
        self._file.close()
        self._file = None
