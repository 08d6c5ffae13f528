"""The fake YouTube Data API and Google OAuth behave like the real ones."""

from __future__ import annotations

import base64
import hashlib

from tests.denkna_demo.fakes.conftest import Fake

YT = "/youtube/v3"
SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"


async def test_held_comments_are_listed_only_on_request(youtube: Fake) -> None:
    w = youtube.world
    channel = w.add_account("youtube")
    video = w.add_post(channel.id, "Musical")
    public = w.add_comment(video.id, "Mooi")
    held = w.add_comment(video.id, "Rotopmerking", moderation="heldForReview")
    rejected = w.add_comment(video.id, "Weg ermee", moderation="rejected")
    listing = {"part": "snippet,replies", "allThreadsRelatedToChannelId": channel.id}
    _, default = await youtube.get(f"{YT}/commentThreads", channel.token, **listing)
    assert [t["id"] for t in default["items"]] == [public.external_id]
    _, review = await youtube.get(f"{YT}/commentThreads", channel.token,
                                  moderationStatus="heldForReview", **listing)
    assert [t["id"] for t in review["items"]] == [held.external_id]
    by_id = ",".join([held.external_id, rejected.external_id, "bestaat-niet"])
    _, found = await youtube.get(f"{YT}/comments", channel.token, part="id", id=by_id)
    assert {c["id"] for c in found["items"]} == {held.external_id, rejected.external_id}


async def test_delete_refuses_the_comments_of_others(youtube: Fake) -> None:
    w = youtube.world
    channel = w.add_account("youtube")
    video = w.add_post(channel.id, "Sportdag")
    other = w.add_comment(video.id, "Van een ouder")
    own = w.add_comment(video.id, "Van de school", author_id=channel.id)
    async with youtube.http.delete(youtube.url(f"{YT}/comments"), params={
            "id": other.external_id}, headers={"Authorization": f"Bearer {channel.token}"}) as r:
        body = await r.json()
    assert r.status == 403 and body["error"]["errors"][0]["reason"] == "forbidden"
    assert not w.is_deleted(other.external_id)
    async with youtube.http.delete(youtube.url(f"{YT}/comments"), params={
            "id": own.external_id}, headers={"Authorization": f"Bearer {channel.token}"}) as r:
        assert r.status == 204
    assert w.is_deleted(own.external_id)
    status, _ = await youtube.post(f"{YT}/comments/setModerationStatus", channel.token,
                                   id=other.external_id, moderationStatus="rejected")
    assert status == 204 and w.status(other.external_id) == "rejected"
    status, body = await youtube.post(f"{YT}/comments/setModerationStatus", channel.token,
                                      id=other.external_id, moderationStatus="published")
    assert status == 400, "a rejected comment cannot come back"


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip(
        "=")


async def test_google_oauth_with_refresh_tokens(youtube: Fake) -> None:
    w = youtube.world
    channel = w.add_account("youtube", name="Kanaal De Klimop")
    client = w.add_client("youtube", "google-client", "google-geheim")
    verifier = "v" * 50
    back = await youtube.consent("/o/oauth2/v2/auth", {
        "client_id": client.client_id, "redirect_uri": "https://denkna.example/cb",
        "response_type": "code", "scope": SCOPE, "state": "s", "access_type": "offline",
        "prompt": "consent", "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256"}, [channel.id])
    form = {"grant_type": "authorization_code", "code": back.query["code"],
            "client_id": client.client_id, "client_secret": client.secret,
            "redirect_uri": "https://denkna.example/cb"}
    status, body = await youtube.post("/token", data=form)
    assert status == 400 and body["error_description"] == "Missing code verifier."
    back = await youtube.consent("/o/oauth2/v2/auth", {
        "client_id": client.client_id, "redirect_uri": "https://denkna.example/cb",
        "response_type": "code", "scope": SCOPE, "state": "s", "access_type": "offline",
        "code_challenge": _challenge(verifier), "code_challenge_method": "S256"},
        [channel.id])
    status, tokens = await youtube.post("/token", data={**form, "code": back.query["code"],
                                                        "code_verifier": verifier})
    assert status == 200 and tokens["expires_in"] == 3600 and tokens["refresh_token"]
    _, mine = await youtube.get(f"{YT}/channels", tokens["access_token"], part="id",
                                mine="true")
    assert [c["id"] for c in mine["items"]] == [channel.id]
    w.advance(3601)
    status, _ = await youtube.get(f"{YT}/channels", tokens["access_token"], mine="true")
    assert status == 401, "access tokens last an hour"
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
               "client_id": client.client_id, "client_secret": client.secret}
    status, fresh = await youtube.post("/token", data=refresh)
    assert status == 200
    status, _ = await youtube.get(f"{YT}/channels", fresh["access_token"], mine="true")
    assert status == 200
    await youtube.post("/revoke", data={"token": tokens["refresh_token"]})
    status, body = await youtube.post("/token", data=refresh)
    assert status == 400 and body["error"] == "invalid_grant"


async def test_no_refresh_token_without_offline_access(youtube: Fake) -> None:
    w = youtube.world
    channel = w.add_account("youtube")
    client = w.add_client("youtube")
    back = await youtube.consent("/o/oauth2/v2/auth", {
        "client_id": client.client_id, "redirect_uri": "https://d.example/cb",
        "response_type": "code", "scope": SCOPE}, [channel.id])
    _, tokens = await youtube.post("/token", data={
        "grant_type": "authorization_code", "code": back.query["code"],
        "client_id": client.client_id, "client_secret": client.secret,
        "redirect_uri": "https://d.example/cb"})
    assert "refresh_token" not in tokens
