"""``IBMQFactory`` over the mock transport: login, providers, credentials from the env."""

from __future__ import annotations

import httpx
import pytest

from ibmqjob.account import QX_AUTH_URL, IBMQFactory, credentials_from_env
from ibmqjob.exceptions import (
    IBMQAccountCredentialsInvalidToken,
    IBMQAccountCredentialsInvalidUrl,
    IBMQAccountCredentialsNotFound,
    IBMQAccountError,
    IBMQProviderError,
)
from ibmqjob.settings import HttpSettings, TimeSource
from tests.http.fake_api import API_TOKEN, AUTH_URL, FakeApi


def _settings(fake: FakeApi) -> HttpSettings:
    return HttpSettings(time=TimeSource(sleep=lambda s: None), transport=httpx.MockTransport(fake))


def test_enable_account_returns_the_default_provider() -> None:
    factory = IBMQFactory()
    provider = factory.enable_account(API_TOKEN, AUTH_URL, http_settings=_settings(FakeApi()))

    assert (provider.hub, provider.group, provider.project) == ("h", "g", "p")
    assert [p.project for p in factory.providers()] == ["p", "q"]
    assert factory.get_provider(project="q").project == "q"
    assert factory.active_account() == {"token": API_TOKEN, "url": AUTH_URL}
    assert API_TOKEN not in repr(factory)


def test_provider_selection_errors() -> None:
    factory = IBMQFactory()
    factory.enable_account(API_TOKEN, AUTH_URL, http_settings=_settings(FakeApi()))

    with pytest.raises(IBMQProviderError, match="More than one provider"):
        factory.get_provider(hub="h")
    with pytest.raises(IBMQProviderError, match=r"No provider matches .* Available: h/g/p, h/g/q"):
        factory.get_provider(hub="nope")


def test_enable_account_with_a_project_and_the_hub_url_form() -> None:
    factory = IBMQFactory()
    provider = factory.enable_account(
        API_TOKEN, AUTH_URL + "/Hubs/h/Groups/g/Projects/q", http_settings=_settings(FakeApi())
    )
    assert provider.project == "q"
    assert factory.active_account() == {"token": API_TOKEN, "url": AUTH_URL}


def test_one_account_at_a_time() -> None:
    fake = FakeApi()
    factory = IBMQFactory()
    factory.enable_account(API_TOKEN, AUTH_URL, http_settings=_settings(fake))

    with pytest.raises(IBMQAccountError, match="already enabled"):
        factory.enable_account(API_TOKEN, AUTH_URL, http_settings=_settings(fake))
    factory.disable_account()
    assert factory.active_account() is None
    assert factory.providers() == [], "as the original: no account, no providers"
    with pytest.raises(IBMQProviderError, match="No account is enabled"):
        factory.get_provider()
    factory.enable_account(API_TOKEN, AUTH_URL, http_settings=_settings(fake))


@pytest.mark.parametrize("token", ["", "   ", None, 42])
def test_invalid_tokens_are_rejected_before_any_request(token: object) -> None:
    fake = FakeApi()
    with pytest.raises(IBMQAccountCredentialsInvalidToken, match="non-empty string"):
        IBMQFactory().enable_account(token, AUTH_URL, http_settings=_settings(fake))  # type: ignore[arg-type]
    assert fake.requests == []


@pytest.mark.parametrize("url", ["auth.test/api", "ftp://x", "", None])
def test_invalid_urls_are_rejected_before_any_request(url: object) -> None:
    fake = FakeApi()
    with pytest.raises(IBMQAccountCredentialsInvalidUrl, match="http:// or https://"):
        IBMQFactory().enable_account(API_TOKEN, url, http_settings=_settings(fake))  # type: ignore[arg-type]
    assert fake.requests == []


def test_a_rejected_token_is_an_invalid_token_error() -> None:
    factory = IBMQFactory()
    with pytest.raises(IBMQAccountCredentialsInvalidToken, match="rejected the API token"):
        factory.enable_account("bad-token", AUTH_URL, http_settings=_settings(FakeApi()))
    assert factory.active_account() is None


def test_credentials_from_the_environment() -> None:
    assert credentials_from_env({}) is None
    ours = credentials_from_env({"IBMQJOB_TOKEN": "t", "QE_TOKEN": "q", "QE_URL": "u"})
    assert ours is not None and (ours.token, ours.url) == ("t", QX_AUTH_URL)
    legacy = credentials_from_env({"QE_TOKEN": "q", "QE_URL": "http://x/api", "QE_HUB": "h"})
    assert legacy is not None and (legacy.token, legacy.url, legacy.hub) == (
        "q",
        "http://x/api",
        "h",
    )
    assert credentials_from_env({"QE_TOKEN": "q"}) is None, "QE_URL is needed too"
    secret = credentials_from_env({"IBMQJOB_TOKEN": "tok-SECRET", "IBMQJOB_URL": "http://x"})
    assert "tok-SECRET" not in repr(secret)


def test_load_account_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IBMQJOB_TOKEN", raising=False)
    monkeypatch.delenv("QE_TOKEN", raising=False)
    with pytest.raises(IBMQAccountCredentialsNotFound, match="IBMQJOB_TOKEN"):
        IBMQFactory().load_account()

    monkeypatch.setenv("IBMQJOB_TOKEN", API_TOKEN)
    monkeypatch.setenv("IBMQJOB_URL", AUTH_URL)
    provider = IBMQFactory().load_account(http_settings=_settings(FakeApi()))
    assert provider.project == "p"
