"""Suite-wide settings: property tests judge behaviour, not speed (timings live in `make bench`)."""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("talkworthy", deadline=None, print_blob=True)
settings.load_profile("talkworthy")
