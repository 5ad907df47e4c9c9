"""The budget for phones on weak connections: everything needed to reach the question
screen stays under 60 KB gzipped (figures and method in docs/performance.md)."""

import importlib.util
from pathlib import Path

BUDGET_BYTES = 60 * 1024


def test_phone_download_stays_within_budget():
    path = Path(__file__).resolve().parents[1] / "bench" / "page_weight.py"
    spec = importlib.util.spec_from_file_location("page_weight", path)
    page_weight = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(page_weight)
    files = page_weight.measure()
    urls = [url for url, _, _ in files]
    # The walk really followed the module imports: the page, its scripts and the vendored client.
    assert any(url.endswith("/socket.io.esm.min.js") for url in urls)
    assert any(url.endswith("/group.js") for url in urls)
    total = sum(packed for _, _, packed in files)
    assert total < BUDGET_BYTES, f"{total} bytes gzipped: {sorted(files, key=lambda f: -f[2])[:5]}"
