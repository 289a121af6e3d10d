"""Case files on the mesh table (``CASEFILE#<system>:<id>``), one JSON document with a version.

``create`` is conditional on the item being absent (a redelivered ``Case.Opened`` finds the file
there and changes nothing). ``change`` reads the file, applies a pure function and writes it back
conditional on the version read; a concurrent writer makes it read and apply again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from talkworthy import keys
from talkworthy.cases.file import CaseFile
from talkworthy.catalog.cases import RecordRef
from talkworthy.dynamo import Table, call, conditional
from talkworthy.errors import RetryableError

__all__ = ["CaseFileStore", "DynamoDbCaseFiles", "InMemoryCaseFiles", "change"]

ATTEMPTS = 4
Change = Callable[[CaseFile], "CaseFile | None"]


class CaseFileStore(Protocol):
    def get(self, case: RecordRef) -> CaseFile | None: ...

    def create(self, file: CaseFile) -> bool:
        """Store a new file; False when the case already has one."""
        ...

    def replace(self, file: CaseFile, expected_version: int) -> bool:
        """Write ``file`` (its version one more than ``expected_version``); False if another writer won."""
        ...


def change(store: CaseFileStore, case: RecordRef, apply: Change) -> CaseFile | None:
    """Apply ``apply`` to the stored file and save it; the file as saved (or unchanged), None if there is none.

    ``apply`` returns the changed file, or None for "nothing to change" (a redelivery).
    """
    for _ in range(ATTEMPTS):
        current = store.get(case)
        if current is None:
            return None
        changed = apply(current)
        if changed is None:
            return current
        saved = changed.model_copy(update={"version": current.version + 1})
        if store.replace(saved, current.version):
            return saved
    raise RetryableError(f"case file {case.system}:{case.record_id} kept changing under us")


class DynamoDbCaseFiles:
    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, case: RecordRef) -> CaseFile | None:
        key = keys.case_file(case.system, case.record_id)
        found = call(self._table.get_item, Key=key, ConsistentRead=True).get("Item")
        return CaseFile.model_validate_json(str(found["doc"])) if found else None

    def create(self, file: CaseFile) -> bool:
        return conditional(
            self._table.put_item,
            Item=self._item(file),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def replace(self, file: CaseFile, expected_version: int) -> bool:
        return conditional(
            self._table.put_item,
            Item=self._item(file),
            ConditionExpression="version = :v",
            ExpressionAttributeValues={":v": expected_version},
        )

    @staticmethod
    def _item(file: CaseFile) -> dict[str, object]:
        return {
            **keys.case_file(file.case.system, file.case.record_id),
            "kind": "case_file",
            "version": file.version,
            "state": file.state,
            "doc": file.model_dump_json(),
        }


class InMemoryCaseFiles:
    def __init__(self) -> None:
        self.files: dict[tuple[str, str], CaseFile] = {}
        self._lock = threading.Lock()

    def get(self, case: RecordRef) -> CaseFile | None:
        with self._lock:
            return self.files.get((case.system, case.record_id))

    def create(self, file: CaseFile) -> bool:
        with self._lock:
            return self.files.setdefault((file.case.system, file.case.record_id), file) is file

    def replace(self, file: CaseFile, expected_version: int) -> bool:
        with self._lock:
            key = (file.case.system, file.case.record_id)
            if key not in self.files or self.files[key].version != expected_version:
                return False
            self.files[key] = file
            return True
