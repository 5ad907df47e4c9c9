"""Every string people read comes from the catalogues; French is complete."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from facilitator import create_app
from facilitator.i18n import JS_MESSAGES, MODERATOR_JS_MESSAGES
from tests.conftest import config_for

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "facilitator" / "translations"


def test_language_comes_from_the_browser(client):
    page = client.get("/", headers={"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page and "Rejoindre une réunion" in page
    page = client.get("/", headers={"Accept-Language": "de, en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="en"' in page and "Join a meeting" in page


def test_switcher_overrides_the_browser(client):
    response = client.get("/language/fr?next=/")
    assert response.status_code == 302
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr"' in page
    assert 'href="/language/en?next=/"' in page


def test_unknown_language_is_ignored(client):
    client.get("/language/xx?next=/")
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


def test_right_to_left_needs_only_a_catalogue(tmp_path):
    app = create_app(
        config_for(f"sqlite:///{tmp_path / 'x.sqlite3'}") | {"LANGUAGES": {"en": "English", "ar": "العربية"}}
    )
    page = app.test_client().get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_browser_scripts_get_translated_messages(client):
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '"send": "Envoyer"' in page


def test_phones_do_not_download_what_only_moderators_read(client):
    phone_page = client.get("/").get_data(as_text=True)  # the join page, as a phone opens it
    login_page = client.get("/login").get_data(as_text=True)  # a moderator's page
    only_moderators = next(iter(MODERATOR_JS_MESSAGES))
    assert f'"{only_moderators}"' not in phone_page and '"send"' in phone_page
    assert f'"{only_moderators}"' in login_page


def test_french_catalogue_is_complete_and_current(tmp_path):
    """Extracting the messages again finds nothing the French catalogue lacks."""
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        extracted = {message.id for message in read_po(handle) if message.id}
    with (CATALOGUES / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        french = read_po(handle)
    missing = sorted(str(m) for m in extracted if m not in french or not french[m].string)
    assert missing == [], f"untranslated in French: {missing[:20]}"
    fuzzy = sorted(str(m.id) for m in french if m.id and m.fuzzy)
    assert fuzzy == [], f"fuzzy French entries: {fuzzy[:20]}"
    scripts = {**JS_MESSAGES, **MODERATOR_JS_MESSAGES}
    assert {str(message) for message in scripts.values()} <= {str(m) for m in extracted}
