"""Profiles: the named levels of the contract a server may claim.

``core`` is what every server of the job API must do (the scenarios of a job's life and the
schema checks of every operation); the others are optional parts a server may offer or not:
the status websocket, real devices with calibrations, the isolation of users (needs a second
user's token) and the concurrent job limit. A certified run (``--certify``) runs every profile
and fails on any skip.
"""

from __future__ import annotations

__all__ = ["ALL_PROFILES", "PROFILES", "parse_profiles"]

PROFILES: dict[str, str] = {
    "core": "a job's life over HTTP, results the circuits determine, every operation's effect,"
    " the schema checks of every operation",
    "websocket": "the job-status websocket (spec/asyncapi.yaml)",
    "devices": "device backends: calibrations, the calibration a job ran with, noisy results",
    "isolation": "users cannot see or touch each other's jobs (needs --other-token)",
    "limits": "the concurrent job limit (createJob refused with code 3458)",
}
ALL_PROFILES = tuple(PROFILES)
_EVERYTHING = "full"


def parse_profiles(text: str) -> tuple[str, ...]:
    """Read ``core,websocket`` (or ``full``) into profile names, in canonical order.

    Raises:
        ValueError: a name is not a profile.
    """
    names = {part.strip() for part in text.split(",") if part.strip()}
    if _EVERYTHING in names:
        return ALL_PROFILES
    unknown = sorted(names - PROFILES.keys())
    if unknown or not names:
        raise ValueError(
            f"unknown profiles {unknown}; known: {_EVERYTHING}, {', '.join(ALL_PROFILES)}"
        )
    return tuple(name for name in ALL_PROFILES if name in names)
