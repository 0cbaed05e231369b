"""The web inbox's JavaScript stays small: under 250 kB gzipped in all (issue #14), what a
phone on a slow network downloads before the inbox shows."""

from __future__ import annotations

import gzip

import pytest

from gateway.web import default_dist

LIMIT = 250 * 1024


def test_the_built_javascript_is_under_250_kb_gzipped() -> None:
    assets = default_dist() / "assets"
    scripts = sorted(assets.glob("*.js")) if assets.is_dir() else []
    if not scripts:
        pytest.fail("web/dist is not built: run `make web`")
    sizes = {p.name: len(gzip.compress(p.read_bytes(), compresslevel=9)) for p in scripts}
    assert sum(sizes.values()) < LIMIT, sizes
    # index.html loads only what was built: no script from anywhere else.
    index = (default_dist() / "index.html").read_text()
    assert "http://" not in index and "https://" not in index
