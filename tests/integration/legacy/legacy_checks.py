"""Judgements on legacy-driver observations, shared by the tests (main virtualenv).

Each check raises ``AssertionError`` when the original client saw something the contract does
not allow. ``test_legacy_client`` applies them to a conforming server and
``test_legacy_judge`` shows that they fail on servers with deliberate faults.
"""

from __future__ import annotations

import re
from typing import Any

JOB_ID = re.compile(r"^[0-9a-f]{24}$")


def raised(outcome: dict[str, Any], type_name: str) -> str:
    """Assert that an ``expect_error`` outcome raised ``type_name`` (or a subclass).

    Returns:
        The exception message.
    """
    assert outcome["raised"], f"expected {type_name}, the call returned {outcome.get('value')!r}"
    assert type_name in outcome["mro"], f"expected {type_name}, got:\n{outcome['traceback']}"
    return str(outcome["message"])


def bell_counts(obs: dict[str, Any], shots: int, simulator: str) -> None:
    """The Bell job on the ideal simulator succeeded with only 00 and 11, summing to shots."""
    assert JOB_ID.match(obs["job_id"]), obs["job_id"]
    result = obs["result"]
    assert result["success"] is True
    assert result["job_id"] == obs["job_id"]
    assert result["backend_name"] == simulator
    assert result["n_experiments"] == 1
    counts = result["counts"]
    assert sum(counts.values()) == shots
    assert set(counts) == {"00", "11"}, counts
    assert obs["refreshed_counts"] == counts


def isolation(obs: dict[str, Any]) -> None:
    """The demo user can neither retrieve nor list the other user's job."""
    assert obs["other_provider"] == ["ibm-q-other", "group0", "project0"]
    assert obs["other_job_status"] == "DONE"
    assert "3250" in raised(obs["demo_retrieves_other"], "IBMQBackendApiError")
    assert obs["demo_lists_other"] == []
    assert obs["other_lists_own"] == [obs["other_job_id"]]


def update_tags(obs: dict[str, Any]) -> None:
    """Replace, add and remove tags; ``ibmq_jobset_`` tags survive; the server keeps them."""
    tag = next(t for t in obs["initial_tags"] if t.endswith("-update"))
    assert obs["initial_tags"] == sorted([tag, "alpha", "ibmq_jobset_keep"])
    assert obs["replace"] == sorted([tag, "beta", "ibmq_jobset_keep"])
    assert obs["add"] == sorted([tag, "beta", "gamma", "delta", "ibmq_jobset_keep"])
    assert obs["remove"] == sorted([tag, "gamma", "delta", "ibmq_jobset_keep"])
    assert obs["combined"] == sorted([tag, "two", "ibmq_jobset_keep"])
    assert obs["reread"]["tags"] == obs["combined"]
    raised(obs["no_arguments"], "IBMQJobInvalidStateError")
    raised(obs["not_a_list"], "IBMQJobInvalidStateError")


def listing_pages(obs: dict[str, Any], count: int) -> None:
    """Every listing of the ``count`` jobs is complete, without repeats, newest first."""
    newest_first = list(range(count - 1, -1, -1))
    assert obs["final_statuses"] == ["DONE"] * count
    assert len(set(obs["created"])) == count
    assert obs["creation_dates"] == sorted(obs["creation_dates"])
    assert obs["none"] == newest_first
    assert obs["limit_25"] == newest_first[:25]
    assert obs["limit_10"] == newest_first[:10]
    assert obs["unfiltered_none"] == newest_first
    assert obs["unfiltered_default"] == newest_first[:10]
    assert obs["provider_level"] == newest_first
    assert obs["job_ids"] == newest_first
    assert obs["ascending"] == list(range(count))
    assert obs["ascending_limit_7"] == list(range(min(7, count)))
    assert [i for page in obs["skip_pages_of_7"] for i in page] == newest_first
    assert obs["skip_pages_of_7"][-1] == []
