"""The fake Graph API behaves like Meta's where connectors go wrong, and runs Facebook Login."""

from __future__ import annotations

from yarl import URL

from tests.denkna_demo.fakes.conftest import Fake

V = "/v24.0"


async def test_a_cursor_dies_with_its_comment(graph: Fake) -> None:
    w = graph.world
    w.ranked = False
    page = w.add_account("facebook")
    post = w.add_post(page.id, "Nieuws")
    ids = [w.add_comment(post.id, f"r{i}").external_id for i in range(5)]
    _, first = await graph.get(f"{V}/{post.id}/comments", page.token, limit=2)
    assert [c["id"] for c in first["data"]] == ids[:2] and "next" in first["paging"]
    w.delete(ids[1])  # the comment the `after` cursor points at
    async with graph.http.get(first["paging"]["next"],
                              headers={"Authorization": f"Bearer {page.token}"}) as resp:
        body = await resp.json()
    assert resp.status == 400 and body["error"]["code"] == 100
    _, again = await graph.get(f"{V}/{post.id}/comments", page.token, limit=10)
    assert [c["id"] for c in again["data"]] == [ids[0], *ids[2:]]


async def test_comments_come_back_ranked_and_top_level_by_default(graph: Fake) -> None:
    w = graph.world
    page = w.add_account("facebook")
    post = w.add_post(page.id, "Nieuws")
    old = w.add_comment(post.id, "eerst")
    liked = w.add_comment(post.id, "later, maar populair", likes=12)
    reply = w.add_comment(post.id, "antwoord", parent_id=old.external_id)
    _, top = await graph.get(f"{V}/{post.id}/comments", page.token, order="chronological")
    assert [c["id"] for c in top["data"]] == [liked.external_id, old.external_id]
    _, stream = await graph.get(f"{V}/{post.id}/comments", page.token, filter="stream")
    assert reply.external_id in {c["id"] for c in stream["data"]}
    assert stream["data"][0]["id"] == liked.external_id


async def test_a_post_shows_when_it_was_commented_on_and_how_often(graph: Fake) -> None:
    w = graph.world
    page = w.add_account("facebook")
    post = w.add_post(page.id, "Nieuws")
    fields = "id,updated_time,comments.filter(stream).summary(true).limit(0)"
    _, before = await graph.get(f"{V}/{page.id}/posts", page.token, fields=fields)
    c = w.add_comment(post.id, "hoi")
    w.add_comment(post.id, "hoi terug", parent_id=c.external_id)
    _, after = await graph.get(f"{V}/{page.id}/posts", page.token, fields=fields)
    assert after["data"][0]["updated_time"] > before["data"][0]["updated_time"]
    assert after["data"][0]["comments"]["summary"]["total_count"] == 2


async def test_instagram_names_the_author_only_when_asked(graph: Fake) -> None:
    w = graph.world
    ig = w.add_account("instagram")
    media = w.add_post(ig.id, "Foto")
    w.add_comment(media.id, "mooi", author_id="178414", author_name="anna")
    _, plain = await graph.get(f"{V}/{media.id}/comments", ig.token, fields="id,text,username")
    assert "from" not in plain["data"][0] and plain["data"][0]["username"] == "anna"
    _, full = await graph.get(f"{V}/{media.id}/comments", ig.token,
                              fields="id,text,from{id,username}")
    assert full["data"][0]["from"] == {"id": "178414", "username": "anna"}


async def _login(graph: Fake, scope: str = "pages_show_list,pages_manage_metadata"
                 ) -> tuple[str, str, URL]:
    """Facebook Login in the fake: (client id, secret, where the browser came back)."""
    client = graph.world.add_client("facebook", "app-1", "app-geheim", name="Denkna")
    pages = [a.id for a in graph.world.accounts.values() if a.platform == "facebook"]
    back = await graph.consent(f"{V}/dialog/oauth", {
        "client_id": client.client_id, "redirect_uri": "https://denkna.example/cb",
        "state": "s1", "response_type": "code", "scope": scope}, pages)
    return client.client_id, client.secret, back


async def test_facebook_login_gives_pages_and_page_tokens(graph: Fake) -> None:
    w = graph.world
    page = w.add_account("facebook", name="OBS De Klimop")
    ig = w.add_account("instagram", username="obsdeklimop", linked_page=page.id)
    client_id, secret, back = await _login(graph)
    assert back.query["state"] == "s1" and back.fragment == "_=_"
    exchange = {"client_id": client_id, "client_secret": secret,
                "redirect_uri": "https://denkna.example/cb", "code": back.query["code"]}
    status, short = await graph.get(f"{V}/oauth/access_token", **exchange)
    assert status == 200 and short["expires_in"] == 3600
    status, again = await graph.get(f"{V}/oauth/access_token", **exchange)
    assert status == 400 and again["error"]["error_subcode"] == 36007, "a code works once"
    _, long = await graph.get(f"{V}/oauth/access_token", grant_type="fb_exchange_token",
                              client_id=client_id, client_secret=secret,
                              fb_exchange_token=short["access_token"])
    assert long["expires_in"] > 50 * 86400
    _, pages = await graph.get(f"{V}/me/accounts", long["access_token"],
                               fields="id,name,access_token,tasks")
    assert [p["id"] for p in pages["data"]] == [page.id]
    page_token = pages["data"][0]["access_token"]
    _, linked = await graph.get(f"{V}/{page.id}", page_token,
                                fields="instagram_business_account{id,username}")
    assert linked["instagram_business_account"] == {"id": ig.id, "username": "obsdeklimop"}
    w.advance(2 * 3600)  # the short-lived user token has expired, the page token has not
    status, _ = await graph.get(f"{V}/me/accounts", short["access_token"])
    assert status == 400
    status, _ = await graph.get(f"{V}/{ig.id}/media", page_token)
    assert status == 200, "the Page token works for its Instagram account too"
    status, _ = await graph.post(f"{V}/{page.id}/subscribed_apps", page_token,
                                    subscribed_fields="feed")
    assert status == 200 and w.subscriptions[page.id] == ("feed",)


async def test_facebook_login_refuses_what_it_should(graph: Fake) -> None:
    w = graph.world
    w.add_account("facebook")
    client_id, secret, back = await _login(graph)
    w.advance(601)
    status, body = await graph.get(f"{V}/oauth/access_token", client_id=client_id,
                                   client_secret=secret, code=back.query["code"],
                                   redirect_uri="https://denkna.example/cb")
    assert status == 400 and "expired" in body["error"]["message"]
    async with graph.http.get(graph.url(f"{V}/dialog/oauth"),
                              params={"client_id": "onbekend", "redirect_uri": "x"}) as resp:
        assert resp.status == 400
    denied = await graph.consent(f"{V}/dialog/oauth", {
        "client_id": client_id, "redirect_uri": "https://denkna.example/cb", "state": "s2",
        "scope": "pages_show_list"}, [], allow=False)
    assert denied.query["error"] == "access_denied" and denied.query["state"] == "s2"
