"""Weighs everything a phone downloads to reach the question screen, gzipped.

    .venv/bin/python bench/page_weight.py [--json]

It builds a meeting on a throwaway SQLite database, joins it as a phone with the
Flask test client, then follows every stylesheet, script and module import the
live page needs, the way a browser would, and sums each response's gzip size.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def measure() -> list[tuple[str, int, int]]:
    workdir = Path(tempfile.mkdtemp(prefix="facilitator-weight-"))
    os.environ["FACILITATOR_INSTANCE_DIR"] = str(workdir)
    os.environ.setdefault("SECRET_KEY", "page-weight")
    from flask_migrate import upgrade

    from facilitator import create_app
    from facilitator.accounts.cli import create_moderator
    from facilitator.extensions import db
    from facilitator.meetings.design import MeetingDesign
    from facilitator.meetings.service import create_meeting
    from facilitator.plenary import service

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'w.sqlite3'}", "WTF_CSRF_ENABLED": False}
    )
    with app.app_context():
        upgrade()
        meeting = create_meeting(
            create_moderator("weight@example.org", "weight-password"),
            MeetingDesign(title="Page weight", questions=["What lessons can Focal Points draw?"]),
        )
        db.session.commit()
        service.open_question(meeting, meeting.guiding_questions[0])
        db.session.commit()
        code = meeting.join_code

    phone = app.test_client()
    join = phone.get(f"/j/{code}")
    phone.post(f"/j/{code}", data={"display_name": "Amina", "country": "Senegal"})
    seen: dict[str, tuple[int, int]] = {f"/j/{code} (join form)": (len(join.data), gzipped(join.data))}
    later = _walk(phone, [f"/j/{code}/live"], seen)
    ON_DEMAND.clear()
    # What the page fetches only when it needs it (the charts, once there are results to show),
    # weighed apart: it is not on the way to the question screen.
    extra: dict[str, tuple[int, int]] = {}
    _walk(phone, later, extra, already=seen)
    ON_DEMAND.extend((url, raw, packed) for url, (raw, packed) in extra.items())
    return [(url, raw, packed) for url, (raw, packed) in seen.items()]


# Filled by measure(): the modules the page imports only when it needs them.
ON_DEMAND: list[tuple[str, int, int]] = []
STATIC_IMPORT = re.compile(r'\bimport(?!\s*\()[^"\'();]*["\'](\.{1,2}/[^"\']+)["\']')
DYNAMIC_IMPORT = re.compile(r'\bimport\s*\(\s*["\'](\.{1,2}/[^"\']+)["\']')


def _walk(client, pending: list[str], seen: dict, already: dict | None = None) -> list[str]:
    """Fetches the pages, stylesheets, scripts and static imports reachable from `pending`, the way
    a browser would; returns the modules only imported on demand."""
    on_demand: list[str] = []
    while pending:
        url = pending.pop(0)
        if url in seen or (already and url in already):
            continue
        # Closed as a WSGI server closes it: a static file stays open until then.
        with client.get(url) as response:
            assert response.status_code == 200, (url, response.status_code)
            body = response.data
        seen[url] = (len(body), gzipped(body))
        text = body.decode("utf-8", errors="replace")
        base = url.rsplit("/", 1)[0]
        for ref in re.findall(r'(?:href|src)="(/static/[^"]+)"', text):
            pending.append(ref.split("?")[0])
        for ref in STATIC_IMPORT.findall(text):
            pending.append(os.path.normpath(f"{base}/{ref}"))
        for ref in DYNAMIC_IMPORT.findall(text):
            on_demand.append(os.path.normpath(f"{base}/{ref}"))
    return on_demand


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print machine-readable figures")
    args = parser.parse_args()
    rows = measure()
    total_raw = sum(raw for _, raw, _ in rows)
    total_gzip = sum(packed for _, _, packed in rows)
    if args.json:
        figures = {
            "files": rows,
            "total_bytes": total_raw,
            "total_gzip_bytes": total_gzip,
            "on_demand": ON_DEMAND,
        }
        print(json.dumps(figures, indent=2))
        return
    width = max(len(url) for url, _, _ in rows)
    for url, raw, packed in sorted(rows, key=lambda row: -row[2]):
        print(f"{url:<{width}}  {raw / 1024:7.1f} KB  {packed / 1024:6.1f} KB gzipped")
    print(f"{'total':<{width}}  {total_raw / 1024:7.1f} KB  {total_gzip / 1024:6.1f} KB gzipped")
    if ON_DEMAND:
        print("\nfetched only when needed:")
        for url, raw, packed in sorted(ON_DEMAND, key=lambda row: -row[2]):
            print(f"{url:<{width}}  {raw / 1024:7.1f} KB  {packed / 1024:6.1f} KB gzipped")


if __name__ == "__main__":
    main()
