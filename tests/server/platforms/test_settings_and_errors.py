"""Monitoring settings, token encryption, and how platform errors are classified."""

from __future__ import annotations

import json

import pytest

from server.config import ConfigError, load_settings, monitoring_settings
from server.platforms.base import (
    AuthExpired,
    PlatformError,
    RateLimited,
    Response,
    TransientError,
)
from server.platforms.base import (
    load_settings as platform_settings,
)
from server.platforms.credentials import CredentialError, decrypt_token, encrypt_token
from server.platforms.facebook import FacebookConnector
from server.platforms.mastodon import MastodonConnector
from server.platforms.youtube import YouTubeConnector, until_quota_reset


def test_monitoring_section_from_env_with_dutch_errors() -> None:
    s = monitoring_settings(load_settings(env={
        "DENKNA_MONITORING_META_APP_SECRET": "geheim-van-de-app",
        "DENKNA_MONITORING_POLL_INTERVAL_SECONDS": "60"}))
    assert s.poll_interval_seconds == 60 and s.meta_app_secret == "geheim-van-de-app"
    with pytest.raises(ConfigError, match=r"monitoring\.poll_interval_seconds: moet een getal"):
        monitoring_settings(load_settings(env={"DENKNA_MONITORING_POLL_INTERVAL_SECONDS": "x"}))


def test_graph_version_and_urls_come_from_configuration() -> None:
    fb = platform_settings("facebook")
    assert fb.version.startswith("v") and fb.base_url.startswith("https://")
    assert platform_settings("facebook", {"version": "v99.0"}).version == "v99.0"
    with pytest.raises(ValueError):
        platform_settings("myspace")


def test_tokens_are_encrypted_with_the_server_secret() -> None:
    stored = encrypt_token("server-geheim-1234567890", "EAAB-page-token")
    assert "EAAB" not in stored
    assert decrypt_token("server-geheim-1234567890", stored) == "EAAB-page-token"
    with pytest.raises(CredentialError):
        decrypt_token("een-andere-server-sleutel", stored)


def _graph(code: int, status: int = 400, headers: dict | None = None) -> Response:
    return Response(status=status, headers=headers or {},
                    body={"error": {"message": "x", "type": "OAuthException", "code": code}})


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
def test_graph_rate_limit_codes(code: int) -> None:
    conn = FacebookConnector(account_external_id="1", token="t")
    usage = json.dumps({"1": [{"call_count": 100, "estimated_time_to_regain_access": 2}]})
    with pytest.raises(RateLimited) as info:
        conn.classify(_graph(code, headers={"X-Business-Use-Case-Usage": usage}))
    assert info.value.retry_after == 120


def test_graph_and_platform_error_kinds() -> None:
    fb = FacebookConnector(account_external_id="1", token="t")
    with pytest.raises(AuthExpired):
        fb.classify(_graph(190))
    with pytest.raises(TransientError):
        fb.classify(_graph(2, status=500))
    with pytest.raises(PlatformError) as info:
        fb.classify(_graph(100))
    assert not isinstance(info.value, TransientError | RateLimited | AuthExpired)
    yt = YouTubeConnector(account_external_id="UC1", token="t")
    with pytest.raises(AuthExpired):
        yt.classify(Response(401, {}, {"error": {"code": 401, "errors": []}}))
    with pytest.raises(RateLimited) as quota:
        yt.classify(Response(403, {}, {"error": {"code": 403, "errors": [
            {"domain": "youtube.quota", "reason": "quotaExceeded"}]}}))
    # quota comes back at midnight Pacific time, not in a minute: the wait is the time until then
    assert quota.value.retry_after == pytest.approx(until_quota_reset(), abs=5)
    assert quota.value.retry_after >= 60
    md = MastodonConnector(account_external_id="1", token="t")
    with pytest.raises(RateLimited):
        md.classify(Response(429, {"Retry-After": "3"}, {"error": "Too many requests"}))
