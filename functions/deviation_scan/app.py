"""Scheduled: the customers due for a check → Deviation.Detected when they left their own pattern."""

from __future__ import annotations

from talkworthy.contexts.deviation_scan import DeviationScanPorts, run_scan
from talkworthy.scheduled import ScheduledTask
from talkworthy.settings import DeviationScanSettings

SETTINGS = DeviationScanSettings
lambda_handler = ScheduledTask("deviation-scan", SETTINGS, DeviationScanPorts, run_scan)
