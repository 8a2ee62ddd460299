"""Comments and likes on the photos a viewer may see: plain text, escaped, deleted by author or owner;
one like per user, counted on the feed and the photo page."""

import pytest
from social_helpers import process, upload
from stored_state import scalar


@pytest.fixture
async def people(visitor):
    alice, bob, carol, anonymous = visitor(), visitor(), visitor(), visitor()
    await alice.register("alice")
    await bob.register("bob", display_name="Bob B")
    await carol.register("carol")
    await anonymous.session()
    return alice, bob, carol, anonymous


async def test_comments_are_plain_text_escaped_and_oldest_first(people, clean_database):
    alice, bob, _, anonymous = people
    photo_id = await upload(alice, "unlisted")
    first = await bob.request(
        "POST", f"/api/v1/photos/{photo_id}/comments", json={"body": "<b>nice</b> & <script>x</script>"}
    )
    assert first.status == 201
    assert first.json()["body"] == "<b>nice</b> & <script>x</script>"  # stored as typed: JSON is not HTML
    await alice.request("POST", f"/photos/{photo_id}/comments", form={"body": "thanks\nBob"})
    listed = (await anonymous.get(f"/api/v1/photos/{photo_id}/comments")).json()
    assert [(c["author"]["username"], c["body"]) for c in listed["items"]] == [
        ("bob", "<b>nice</b> & <script>x</script>"),
        ("alice", "thanks\nBob"),
    ]
    page = (await anonymous.get(f"/photos/{photo_id}")).text
    assert "&lt;b&gt;nice&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page
    assert "<b>nice</b>" not in page
    assert "Bob B" in page
    assert "Log in</a> to comment" in page
    for body in ("", "   ", "x" * 1001, "bell\x07"):
        refused = await bob.request("POST", f"/api/v1/photos/{photo_id}/comments", json={"body": body})
        assert (refused.status, refused.error_code) == (400, "invalid_request"), body
    assert scalar(clean_database, "SELECT COUNT(*) FROM comments") == 2


async def test_comments_page_through_fifty_at_a_time(people, clean_database):
    alice, bob, _, _ = people
    photo_id = await upload(alice, "public")
    for number in range(52):
        await bob.request("POST", f"/api/v1/photos/{photo_id}/comments", json={"body": f"comment {number}"})
    first = (await bob.get(f"/api/v1/photos/{photo_id}/comments")).json()
    assert [c["body"] for c in first["items"]] == [f"comment {n}" for n in range(50)]
    rest = (await bob.get(f"/api/v1/photos/{photo_id}/comments?cursor={first['next_cursor']}")).json()
    assert [c["body"] for c in rest["items"]] == ["comment 50", "comment 51"]
    assert rest["next_cursor"] is None


async def test_nobody_comments_on_or_reads_a_private_photo_of_someone_else(people, clean_database):
    alice, bob, _, anonymous = people
    photo_id = await upload(alice, "private")
    own = await alice.request("POST", f"/api/v1/photos/{photo_id}/comments", json={"body": "note to self"})
    assert own.status == 201
    for reply in (
        await bob.request("POST", f"/api/v1/photos/{photo_id}/comments", json={"body": "hi"}),
        await bob.get(f"/api/v1/photos/{photo_id}/comments"),
        await bob.request("POST", f"/photos/{photo_id}/comments", form={"body": "hi"}),
        await bob.request("DELETE", f"/api/v1/comments/{own.json()['id']}"),
        await bob.request("PUT", f"/api/v1/photos/{photo_id}/like"),
    ):
        assert reply.status == 404, reply.body
    anonymous_try = await anonymous.request("POST", f"/api/v1/photos/{photo_id}/comments", json={"body": "hi"})
    assert (anonymous_try.status, anonymous_try.error_code) == (401, "login_required")
    assert scalar(clean_database, "SELECT COUNT(*) FROM comments") == 1


async def test_the_author_or_the_photo_owner_deletes_a_comment(people, clean_database):
    alice, bob, carol, _ = people
    photo_id = await upload(alice, "public")
    ids = []
    for person in (bob, bob, carol):
        ids.append(
            (await person.request("POST", f"/api/v1/photos/{photo_id}/comments", json={"body": "hi"})).json()["id"]
        )
    refused = await carol.request("DELETE", f"/api/v1/comments/{ids[0]}")
    assert (refused.status, refused.error_code) == (403, "not_comment_author")
    assert (await bob.request("DELETE", f"/api/v1/comments/{ids[0]}")).status == 204
    assert (await alice.request("DELETE", f"/api/v1/comments/{ids[2]}")).status == 204  # the owner's right
    page = await alice.request("POST", f"/comments/{ids[1]}/delete", form={})
    assert (page.status, page.headers["Location"]) == (303, f"/photos/{photo_id}#comments")
    assert scalar(clean_database, "SELECT COUNT(*) FROM comments") == 0
    gone = await bob.request("DELETE", f"/api/v1/comments/{ids[0]}")
    assert (gone.status, gone.error_code) == (404, "comment_not_found")


async def test_one_like_per_user_counted_on_the_feed_and_the_photo_page(
    people, clean_database, s3_client, empty_bucket, app_secrets
):
    alice, bob, carol, anonymous = people
    photo_id = await upload(alice, "public")
    await process(alice, clean_database, s3_client, empty_bucket, app_secrets.webhook_key, photo_id)
    assert (await bob.request("PUT", f"/api/v1/photos/{photo_id}/like")).json() == {"liked": True, "like_count": 1}
    assert (await bob.request("PUT", f"/api/v1/photos/{photo_id}/like")).json() == {"liked": True, "like_count": 1}
    await carol.request("POST", f"/photos/{photo_id}/like", form={"liked": "true"})
    (item,) = (await anonymous.get("/api/v1/feed")).json()["items"]
    assert item["like_count"] == 2
    assert "♥ 2</p>" in (await anonymous.get("/")).text
    bobs_page = (await bob.get(f"/photos/{photo_id}")).text
    assert "♥ 2 likes" in bobs_page
    assert ">Unlike</button>" in bobs_page
    assert (await bob.request("DELETE", f"/api/v1/photos/{photo_id}/like")).json() == {"liked": False, "like_count": 1}
    assert (await bob.request("DELETE", f"/api/v1/photos/{photo_id}/like")).json() == {"liked": False, "like_count": 1}
    assert (await alice.get(f"/api/v1/photos/{photo_id}")).json()["like_count"] == 1
    assert scalar(clean_database, "SELECT COUNT(*) FROM likes") == 1
    anonymous_like = await anonymous.request("PUT", f"/api/v1/photos/{photo_id}/like")
    assert anonymous_like.status == 401
