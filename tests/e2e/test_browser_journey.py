"""A person uses PhotoShare in headless Chromium, on the deployment `make up` made.

The photo goes the real way: the browser uploads it to the app, the app
streams it to the emulator's S3, the bucket notification runs the Lambda
package in its runtime container, the Lambda writes thumbnails and posts its
signed report to the app's webhook, and the page shows the thumbnail.
"""

import secrets
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from photos import exif_of, phone_photo
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery staple"
PROCESSING_TIMEOUT_SECONDS = 60


def register(page: Page, app: str, username: str) -> None:
    page.goto(f"{app}/register")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.account button[type=submit]")
    page.wait_for_url(f"{app}/photos")


def log_out(page: Page) -> None:
    page.click("header form button:has-text('Log out')")
    expect(page.locator("header nav a", has_text="Log in")).to_be_visible()


def unsigned(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(query=""))


def test_upload_processing_and_privacy(deployed, chromium, shots, tmp_path):
    app = deployed
    owner, stranger = f"alice{secrets.token_hex(3)}", f"mallory{secrets.token_hex(3)}"
    photo_file = tmp_path / "holiday.jpg"
    phone_photo(photo_file)
    image_responses: dict[str, int] = {}
    page = chromium.new_context().new_page()
    page.on("response", lambda response: image_responses.__setitem__(response.url, response.status))

    # 1. Register, log out, log in.
    register(page, app, owner)
    shots.take(page, "registered")
    log_out(page)
    page.goto(f"{app}/login")
    page.fill("input[name=username]", owner)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.account button[type=submit]")
    page.wait_for_url(f"{app}/photos")
    expect(page.locator("header nav")).to_contain_text("My photos")
    shots.take(page, "logged-in")

    # 2. Upload a real JPEG with GPS data; it starts as processing.
    page.goto(f"{app}/upload")
    page.fill("textarea[name=caption]", "Holiday")
    page.set_input_files("input[name=file]", str(photo_file))
    with page.expect_response(lambda r: r.url == f"{app}/api/v1/photos" and r.request.method == "POST") as upload:
        page.click("#upload button[type=submit]")
    assert upload.value.status == 201, upload.value.text()
    uploaded = upload.value.json()
    assert (uploaded["status"], uploaded["visibility"]) == ("processing", "private")
    photo_id = uploaded["id"]
    expect(page.locator("#progress .status a")).to_have_text("uploaded")
    shots.take(page, "uploaded")

    # 3. The gallery shows the Lambda's thumbnail once the photo is ready.
    card_image = page.locator(f"ul.grid a[href='/photos/{photo_id}'] img")
    for _ in range(PROCESSING_TIMEOUT_SECONDS):
        page.goto(f"{app}/photos")
        if card_image.count():
            break
        expect(page.locator(f"ul.grid a[href='/photos/{photo_id}'] .placeholder")).to_have_text("processing")
        page.wait_for_timeout(1000)
    thumbnail_url = card_image.get_attribute("src")
    assert "/thumbnails/" in thumbnail_url
    assert "X-Amz-Signature=" in thumbnail_url
    expect(card_image).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert image_responses[thumbnail_url] == 200
    thumbnail = httpx.get(thumbnail_url, timeout=10)
    assert thumbnail.headers["content-type"] == "image/webp"
    assert exif_of(thumbnail.content) == {}  # no EXIF at all, so no GPS
    shots.take(page, "ready-in-gallery")

    # 4. The photo page: ready, with the original through its presigned URL.
    with page.expect_response(lambda r: "/originals/" in r.url) as original:
        card_image.click()
    page.wait_for_url(f"{app}/photos/{photo_id}")
    expect(page.locator("dd.status-ready")).to_have_text("ready")
    expect(page.locator("dl.facts")).to_contain_text("Canon EOS R6")
    assert original.value.status == 200
    assert original.value.headers["content-type"] == "image/jpeg"
    original_url = original.value.url
    assert "X-Amz-Signature=" in original_url
    shots.take(page, "photo-page")

    # 5. The bucket itself refuses a plain GET without a signature.
    assert httpx.get(unsigned(original_url), timeout=10).status_code == 403
    assert httpx.get(unsigned(thumbnail_url), timeout=10).status_code == 403

    # A second user sees nothing of it: not in the browser, not through the API.
    other = chromium.new_context().new_page()
    register(other, app, stranger)
    assert other.goto(f"{app}/photos/{photo_id}").status == 404
    shots.take(other, "hidden-from-another-user")
    api = other.request.get(f"{app}/api/v1/photos/{photo_id}")
    assert (api.status, api.json()["error"]["code"]) == (404, "photo_not_found")
    other.goto(f"{app}/photos")
    expect(other.locator(f"a[href='/photos/{photo_id}']")).to_have_count(0)
    other.goto(f"{app}/")
    expect(other.locator(f"a[href='/photos/{photo_id}']")).to_have_count(0)

    # 6. Log out: the photos are behind the login again.
    log_out(page)
    shots.take(page, "logged-out")
    page.goto(f"{app}/photos")
    assert urlsplit(page.url).path == "/login"
