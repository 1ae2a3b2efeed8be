"""A user's test project: the account comes from the environment, cassettes sit beside."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ibmqjob import IBMQ
from ibmqjob.provider import AccountProvider


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(Path(__file__).parent / "cassettes")


@pytest.fixture
def provider() -> Iterator[AccountProvider]:
    # Replays need no real token: the scrubbed login matches whatever token is given.
    token = os.environ.get("SAMPLE_TOKEN", "no-token-needed-for-replay")
    provider = IBMQ.enable_account(token, url=os.environ["SAMPLE_URL"])
    yield provider
    IBMQ.disable_account()
