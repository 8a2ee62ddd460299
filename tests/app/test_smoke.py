import sample_images


async def test_register_upload_and_see(visitor):
    alice = visitor()
    reply = await alice.register("alice")
    assert reply.status == 201, reply.body
    reply = await alice.upload(sample_images.jpeg(), caption="hello")
    assert reply.status == 201, reply.body
    photo = reply.json()
    page = await alice.get("/api/v1/photos")
    assert page.status == 200, page.body
    assert [p["id"] for p in page.json()["items"]] == [photo["id"]]
    html = await alice.get(f"/photos/{photo['id']}")
    assert html.status == 200, html.body
