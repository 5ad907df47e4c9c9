import re

from tests.conftest import log_in, phone_browser


def test_pages_forbid_inline_scripts(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_rendered_pages_have_no_inline_or_external_scripts(app, make_meeting):
    world = make_meeting(phones=1)
    moderator = app.test_client()
    log_in(moderator, world.moderator_email)
    pages = [
        app.test_client().get("/"),
        app.test_client().get(f"/j/{world.join_code}"),
        phone_browser(app, world.phones[0]).get(f"/j/{world.join_code}/live"),
        moderator.get(f"/meetings/{world.meeting_id}/console"),
        moderator.get(f"/meetings/{world.meeting_id}/projector"),
        moderator.get(f"/meetings/{world.meeting_id}"),
        moderator.get("/meetings/import"),
    ]
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        for tag in re.findall(r"<script\b[^>]*>", html):
            # Either a module from this site, or a JSON data block that never runs.
            assert 'type="application/json"' in tag or re.search(r'src="/static/', tag), tag
        assert "http://" not in re.sub(r"https?://facilitator\.test", "", html).split("<body", 1)[0]
        assert not re.search(r"""(src|href)=["']https?://(?!facilitator\.test)""", html), html


def test_csrf_is_enforced_on_forms(app, make_meeting):
    world = make_meeting()
    app.config["WTF_CSRF_ENABLED"] = True
    browser = app.test_client()
    response = browser.post("/login", data={"email": world.moderator_email, "password": "x"})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)


def test_language_switch_is_not_an_open_redirect(client):
    assert client.get("/language/fr?next=https://evil.example/").location == "/"
    assert client.get("/language/fr?next=//evil.example/").location == "/"
    assert client.get("/language/fr?next=/j/ABC").location == "/j/ABC"


def test_error_pages_are_friendly(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "There is nothing here" in response.get_data(as_text=True)


def test_oversized_upload_is_refused(app, make_meeting):
    world = make_meeting()
    app.config["MAX_CONTENT_LENGTH"] = 1000
    browser = app.test_client()
    log_in(browser, world.moderator_email)
    response = browser.post("/meetings/import", data={"text": "x" * 5000})
    assert response.status_code == 413


def test_pages_and_scripts_are_compressed_for_weak_connections(client):
    # What a phone browser offers on a plain-http meeting network.
    accept = {"Accept-Encoding": "gzip, deflate"}
    assert client.get("/", headers=accept).headers["Content-Encoding"] == "gzip"
    for url in (
        "/static/vendor/socket.io/socket.io.esm.min.js",
        "/static/css/app.css",
        "/static/js/phone.js",
    ):
        # Closed like a WSGI server closes them: static files are open until then.
        with client.get(url, headers=accept) as packed, client.get(url) as plain:
            assert packed.headers["Content-Encoding"] == "gzip", url
            assert len(packed.data) < len(plain.data) / 2
