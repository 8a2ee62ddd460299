"""The pages in a real browser (headless Chromium): several files uploaded at once, each with its
own progress bar and result, and a photo shared by a password link opened in another browser."""

import pytest
import sample_images
from playwright.sync_api import expect
from servers import AppServer, app_environment

pytestmark = pytest.mark.slow


@pytest.fixture
def server(settings, tmp_path):
    running = AppServer(app_environment(settings), tmp_path / "app.log")
    yield running
    running.stop()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def test_several_files_upload_with_a_progress_bar_each(server, page, tmp_path):
    files = {
        "beach.jpg": sample_images.jpeg(seed=21),
        "mountain.png": sample_images.png(seed=22),
        "letter.jpg": b"Dear diary, this is not a photo at all, whatever its name says.\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    failures, blocked = [], []
    page.on(
        "response",
        lambda response: failures.append((response.status, response.url)) if response.status >= 400 else None,
    )
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )

    page.goto(f"{server.url}/register")
    page.fill("input[name=username]", "browser")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/photos")

    page.goto(f"{server.url}/upload")
    page.fill("textarea[name=caption]", "Summer")
    page.set_input_files("input[name=file]", [str(tmp_path / name) for name in files])
    page.click("#upload button[type=submit]")
    # Locators, not page.evaluate: the app's CSP forbids the eval that evaluate needs.
    expect(page.locator("#progress .status:not(:empty)")).to_have_count(3, timeout=30_000)

    rows = page.locator("#progress li")
    results = {rows.nth(i).locator("span").first.inner_text(): rows.nth(i) for i in range(3)}
    for name in ("beach.jpg", "mountain.png"):
        assert results[name].locator(".status a").inner_text() == "uploaded"
        assert results[name].locator("progress").get_attribute("value") == "100"
    assert "JPEG, PNG, WebP, GIF and HEIC/HEIF" in results["letter.jpg"].locator(".status").inner_text()
    assert blocked == []  # upload.js and the stylesheet run under the app's CSP
    assert {(status, url.removeprefix(server.url)) for status, url in failures} <= {
        (415, "/api/v1/photos"),  # the letter
        (404, "/favicon.ico"),  # the browser asks; the app has none
    }

    page.goto(f"{server.url}/photos")
    assert page.locator(".grid li").count() == 2
    assert page.locator(".grid .caption").all_inner_texts() == ["Summer", "Summer"]


def test_a_photo_shared_by_a_password_link_opens_in_another_browser(server, page, tmp_path):
    """The owner likes, comments, files the photo into an album and makes a password link from the
    pages; a stranger with another browser opens the link, gives the password and sees the photo."""
    (tmp_path / "lake.jpg").write_bytes(sample_images.jpeg(seed=31))
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{server.url}/register")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.goto(f"{server.url}/albums")
    page.fill("input[name=title]", "Lakes")
    page.click(".album-create button")
    page.goto(f"{server.url}/upload")
    page.fill("textarea[name=caption]", "Lake at dawn")
    page.set_input_files("input[name=file]", str(tmp_path / "lake.jpg"))
    page.click("#upload button[type=submit]")
    page.locator("#progress .status a").click()
    page.click("#likes button")
    expect(page.locator(".like-count")).to_have_text("♥ 1 like")
    page.fill(".comment-form textarea", "<b>first</b>")
    page.click(".comment-form button")
    expect(page.locator(".comment-body")).to_have_text("<b>first</b>")
    page.click("#add-to-album button")
    expect(page.locator("#albums")).to_contain_text("In: Lakes")
    page.select_option(".share-form select", label="1 day")
    page.fill(".share-form input[name=password]", "open sesame")
    page.click(".share-form button")
    link = page.locator(".share-url input").input_value()
    page.goto(f"{server.url}/shares")
    expect(page.locator("td.state")).to_have_text("active")

    stranger = page.context.browser.new_context().new_page()
    stranger.goto(link)
    expect(stranger.locator("h1")).to_have_text("This link has a password")
    stranger.fill("input[name=password]", "open sesame")
    stranger.click("button[type=submit]")
    expect(stranger.locator("h1")).to_have_text("Lake at dawn")
    assert "Download the original" not in stranger.content()
    page.goto(f"{server.url}/shares")
    page.click("text=Revoke all links")
    stranger.goto(link)
    expect(stranger.locator("h1")).to_have_text("This link no longer works")
    assert blocked == []
