"""Scheduled: every finished surge bucket, counted from the routing journal → the detector → Surge.* events."""

from __future__ import annotations

from talkworthy.contexts.surge_scan import SurgeScanPorts, run_surge_scan
from talkworthy.scheduled import ScheduledTask
from talkworthy.settings import SurgeScanSettings

SETTINGS = SurgeScanSettings
lambda_handler = ScheduledTask("surge-scan", SETTINGS, SurgeScanPorts, run_surge_scan)
