"""The QR code on the wall opens the join page: decoded from the rendered pixels, as a camera would."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, expect

from .helpers import (
    EXAMPLE_TITLE,
    PHONE,
    PROJECTOR,
    expect_connected,
    import_example_meeting,
    moderator_page,
    new_page,
)
from .server import LiveServer


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image) if result.valid]


def test_projector_qr_code_opens_the_join_page(browser: Browser, server: LiveServer) -> None:
    moderator = moderator_page(browser, server)
    meeting_id, code = import_example_meeting(moderator)
    projector = moderator_page(browser, server, options=PROJECTOR, label="projector")
    projector.goto(f"/meetings/{meeting_id}/projector")
    expect_connected(projector)
    join_url = projector.locator(".join-url strong").inner_text().strip()
    assert join_url == f"{server.base_url}/j/{code}"

    qr = projector.locator("#qr-image")
    expect(qr).to_be_visible()
    # An <img> that failed to load still has a box; only a decoded image has a natural width.
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    image = Image.open(io.BytesIO(qr.screenshot()))
    assert decode(image) == [join_url]

    # Across the room the code covers a few hundred camera pixels at most.
    far = image.convert("L").resize((200, 200), Image.Resampling.BILINEAR)
    assert decode(far) == [join_url]

    visitor = new_page(browser, server, "phone that scanned the code", PHONE)
    visitor.goto(join_url)
    expect(visitor).to_have_url(join_url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(EXAMPLE_TITLE)
    expect(visitor.locator("#display_name")).to_be_visible()
    expect(visitor.get_by_role("button", name="Join", exact=True)).to_be_visible()
