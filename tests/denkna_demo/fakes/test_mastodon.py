"""The fake Mastodon instance behaves like a real one: mutes, boosts, mentions, OAuth."""

from __future__ import annotations

from yarl import URL

from denkna_demo.fakes import FakePlatformServer
from tests.denkna_demo.fakes.conftest import Fake


async def test_muted_authors_drop_out_of_the_context_but_still_exist(mastodon: Fake) -> None:
    w = mastodon.world
    school = w.add_account("mastodon")
    post = w.add_post(school.id, "Studiedag")
    troll = w.add_comment(post.id, "rotschool", author_id="999")
    w.add_comment(post.id, "dank je", author_id="123")
    status, _ = await mastodon.post("/api/v1/accounts/999/mute", school.token)
    assert status == 200
    _, ctx = await mastodon.get(f"/api/v1/statuses/{post.id}/context", school.token)
    assert [s["account"]["id"] for s in ctx["descendants"]] == ["123"]
    status, found = await mastodon.get(f"/api/v1/statuses/{troll.external_id}", school.token)
    assert status == 200 and found["id"] == troll.external_id
    w.delete(troll.external_id)
    status, body = await mastodon.get(f"/api/v1/statuses/{troll.external_id}", school.token)
    assert status == 404 and body == {"error": "Record not found"}


async def test_boosts_are_listed_unless_excluded(mastodon: Fake) -> None:
    w = mastodon.world
    school = w.add_account("mastodon")
    other = w.add_account("mastodon")
    theirs = w.add_post(other.id, "Van de gemeente")
    boost = w.add_post(school.id, "", reblog_of=theirs.id)
    own = w.add_post(school.id, "Van de school")
    path = f"/api/v1/accounts/{school.id}/statuses"
    _, everything = await mastodon.get(path, school.token)
    assert {s["id"] for s in everything} == {boost.id, own.id}
    assert next(s for s in everything if s["id"] == boost.id)["reblog"]["id"] == theirs.id
    _, own_only = await mastodon.get(path, school.token, exclude_reblogs="true")
    assert [s["id"] for s in own_only] == [own.id]


async def test_mentions_page_forward_with_min_id(mastodon: Fake) -> None:
    w = mastodon.world
    school = w.add_account("mastodon")
    post = w.add_post(school.id, "Nieuws")
    replies = [w.add_comment(post.id, f"reactie {i}", author_id="7") for i in range(5)]
    elsewhere = w.add_mention(school.id, "@school hoi")
    ids = [c.external_id for c in [*replies, elsewhere]]
    _, newest = await mastodon.get("/api/v1/notifications", school.token, limit=2,
                                   **{"types[]": "mention"})
    assert [n["id"] for n in newest] == ids[:-3:-1]
    async with mastodon.http.get(mastodon.url("/api/v1/notifications"), params={
            "min_id": ids[1], "limit": 2}, headers={"Authorization": f"Bearer {school.token}"}
                                 ) as resp:
        page = await resp.json()
        prev = resp.headers["Link"]
    assert [n["id"] for n in page] == [ids[3], ids[2]], "the page right after min_id"
    assert f"min_id={ids[3]}" in prev


async def test_delete_only_removes_own_statuses(mastodon: Fake) -> None:
    w = mastodon.world
    school = w.add_account("mastodon")
    post = w.add_post(school.id, "Nieuws")
    other = w.add_comment(post.id, "van een ouder", author_id="5")
    async with mastodon.http.delete(mastodon.url(f"/api/v1/statuses/{other.external_id}"),
                                    headers={"Authorization": f"Bearer {school.token}"}) as r:
        assert r.status == 404
    assert not w.is_deleted(other.external_id)


async def test_oauth_on_the_instance(mastodon: Fake) -> None:
    w = mastodon.world
    school = w.add_account("mastodon", username="klimop", name="OBS De Klimop")
    status, _ = await mastodon.post("/api/v1/apps", data={"client_name": ""})
    assert status == 422
    status, app = await mastodon.post("/api/v1/apps", data={
        "client_name": "Denkna", "redirect_uris": "https://denkna.example/cb",
        "scopes": "profile read:statuses read:notifications", "website": "https://x"})
    assert status == 200 and app["client_id"] and app["client_secret"]
    query = {"response_type": "code", "client_id": app["client_id"],
             "redirect_uri": "https://denkna.example/cb", "state": "s"}
    async with mastodon.http.get(mastodon.url("/oauth/authorize"), params={
            **query, "scope": "read:statuses write:statuses"}, allow_redirects=False) as r:
        assert r.status == 302 and URL(r.headers["Location"]).query["error"] == "invalid_scope"
    back = await mastodon.consent("/oauth/authorize", {**query, "scope": "read:statuses"},
                                  [school.id])
    form = {"grant_type": "authorization_code", "code": back.query["code"],
            "client_id": app["client_id"], "client_secret": app["client_secret"],
            "redirect_uri": "https://denkna.example/cb"}
    status, token = await mastodon.post("/oauth/token", data=form)
    assert status == 200 and token["token_type"] == "Bearer" and "expires_in" not in token
    status, again = await mastodon.post("/oauth/token", data=form)
    assert status == 400 and again["error"] == "invalid_grant"
    _, me = await mastodon.get("/api/v1/accounts/verify_credentials", token["access_token"])
    assert (me["id"], me["acct"]) == (school.id, "klimop")
    w.advance(365 * 86400)
    status, _ = await mastodon.get("/api/v1/accounts/verify_credentials",
                                   token["access_token"])
    assert status == 200, "Mastodon tokens do not expire"
    denied = await mastodon.consent("/oauth/authorize", {**query, "scope": "read:statuses"},
                                    [school.id], allow=False)
    assert denied.query["error"] == "access_denied"


async def test_an_app_is_counted_known_on_its_own_instance_and_can_be_forgotten(
        mastodon: Fake) -> None:
    w = mastodon.world
    cb = "https://denkna.example/cb"
    status, app = await mastodon.post("/api/v1/apps", data={
        "client_name": "Denkna", "redirect_uris": cb, "scopes": "read:statuses"})
    assert status == 200 and w.apps_registered == {mastodon.server.url: 1}
    own = {"grant_type": "client_credentials", "client_id": app["client_id"],
           "client_secret": app["client_secret"], "scope": "read:statuses"}
    status, token = await mastodon.post("/oauth/token", data=own)
    assert status == 200 and token["access_token"]
    status, body = await mastodon.get("/api/v1/accounts/verify_credentials",
                                      token["access_token"])
    assert status == 401, "an app's own token is no account's"
    status, body = await mastodon.post("/oauth/token", data={**own, "scope": "write:blocks"})
    assert status == 400 and body["error"] == "invalid_scope"
    async with FakePlatformServer(w, "mastodon") as other, mastodon.http.post(
            f"{other.url}/oauth/token", data=own) as r:
        assert r.status == 401, "another instance does not know the app"
    w.forget_client(app["client_id"])
    status, body = await mastodon.post("/oauth/token", data=own)
    assert status == 401 and body["error"] == "invalid_client"
    async with mastodon.http.get(mastodon.url("/oauth/authorize"), params={
            "response_type": "code", "client_id": app["client_id"], "redirect_uri": cb,
            "scope": "read:statuses"}) as r:
        assert r.status == 401
    assert w.apps_registered == {mastodon.server.url: 1}, "counts registrations, not apps"
