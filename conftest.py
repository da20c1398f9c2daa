"""Test-session settings shared by the tests and the doctests: a private cache directory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEMIVISIBLE_CACHE_DIR", str(tmp_path_factory.mktemp("semivisible-cache")))
        yield
