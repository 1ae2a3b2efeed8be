"""Named, deliberate deviations from the contract, for testing conformance tools.

Each fault is one small, explicit change of behaviour, switched on by name
(``ServerThread(faults=...)`` or ``ibmqjob serve --fault NAME``). A server with no
fault switched on conforms to the contract.
"""

from __future__ import annotations

from collections.abc import Iterable

FAULTS: dict[str, str] = {
    "wrong_status_string": "job statuses are sent in lower case (`completed` for `COMPLETED`)",
    "missing_creation_date": "job documents lack `creationDate`",
    "tags_not_echoed": "`PUT /Jobs/{id}` with tags answers with the tags it had before",
    "wrong_close_code": "the status websocket closes with 1000, not 4002, after the final status",
    "paging_repeats": "creation dates are cut to whole seconds, so cursor paging repeats jobs",
    "500_on_bad_input": "a malformed listing filter answers 500 with a traceback instead of 400",
    "info_queue_outside_queued": "`infoQueue` is also sent while the job is VALIDATED or RUNNING",
    "cross_user_access": "jobs are found by id whatever the user, hub, group and project",
    "ws_bad_auth_ack": "the websocket acknowledges authentication with `welcome`",
    "ws_non_json_frames": "the websocket sends a text frame that is not JSON before the statuses",
    "ws_silent": "the websocket authenticates, then never sends a status",
    "ws_retry_once": "the first websocket of each job closes with 4001 (internal error) at once",
}


def parse_faults(names: Iterable[str]) -> frozenset[str]:
    """Check fault names and return them as a set.

    Args:
        names: fault names, each a key of :data:`FAULTS`.

    Returns:
        The set of names.

    Raises:
        ValueError: a name is not a known fault.
    """
    chosen = frozenset(names)
    unknown = sorted(chosen - FAULTS.keys())
    if unknown:
        raise ValueError(
            "unknown fault(s) {}; known faults: {}".format(
                ", ".join(unknown), ", ".join(sorted(FAULTS))
            )
        )
    return chosen
