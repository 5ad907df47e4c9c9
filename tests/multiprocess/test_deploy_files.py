"""The files in deploy/ are what docs/deployment.md shows, and they agree with the app."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from facilitator.joining.identity import COOKIE_NAME
from tests.multiprocess import services

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
GUIDE = (ROOT / "docs" / "deployment.md").read_text()
DEPLOY_FILES = sorted(path for path in DEPLOY.rglob("*") if path.is_file())


@pytest.mark.parametrize("path", DEPLOY_FILES, ids=lambda path: str(path.relative_to(DEPLOY)))
def test_the_guide_shows_each_deploy_file_as_it_is(path: Path) -> None:
    assert f"\n{path.read_text()}```" in GUIDE, f"docs/deployment.md no longer shows {path} as it is"


def test_every_setting_of_the_example_is_one_the_app_reads() -> None:
    names = re.findall(r"^([A-Z_]+)=", (DEPLOY / "facilitator.env.example").read_text(), re.MULTILINE)
    config = (ROOT / "facilitator" / "config.py").read_text()
    unknown = [name for name in names if f'"{name}"' not in config and name != "FLASK_APP"]
    assert names and unknown == []


def test_nginx_routes_phones_by_the_cookie_the_app_sets() -> None:
    assert f"map $cookie_{COOKIE_NAME} " in (DEPLOY / "nginx" / "facilitator.conf").read_text()


@pytest.mark.multiprocess
@pytest.mark.parametrize("tls", [True, False], ids=["https", "http"])
def test_nginx_accepts_the_site_file(tmp_path: Path, tls: bool) -> None:
    services.require("nginx", "openssl")
    cert, key = services.make_certificate(tmp_path)
    site = tmp_path / "facilitator.conf"
    site.write_text(
        services.render_site(
            [8001, 8002], https_port=8443, http_port=8080, tls=tls, cert=cert, key=key, workdir=tmp_path
        )
    )
    main = tmp_path / "nginx.conf"
    main.write_text(services.render_main(site, tmp_path, workers=1))
    checked = subprocess.run(
        [services.NGINX, "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    units = DEPLOY / "systemd"
    for unit in units.iterdir():
        shutil.copy(unit, tmp_path / unit.name)
    shutil.copy(units / "facilitator@.service", tmp_path / "facilitator@8001.service")
    names = ["facilitator@8001.service", "facilitator-backup.service", "facilitator-backup.timer"]
    checked = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    # This machine has no /srv/facilitator: that is the only complaint allowed.
    problems = [line for line in checked.stderr.splitlines() if "is not executable" not in line]
    assert problems == [], checked.stderr
