"""Input and output: the on-disk cache (one helper, :func:`cached_arrays`), atomic writes, and the HEPData export.

Examples
--------
>>> from semivisible.io import cache_key
>>> len(cache_key("x", {}))
64
"""

from __future__ import annotations

from semivisible.io.cache import (
    atomic_write_bytes,
    atomic_write_text,
    cache_dir,
    cache_entry,
    cache_key,
    cached_arrays,
    load_arrays,
    save_arrays,
)

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "cache_dir",
    "cache_entry",
    "cache_key",
    "cached_arrays",
    "load_arrays",
    "save_arrays",
]
