"""On-disk cache of expensive tables, keyed by a hash of their inputs and the package version.

The cache lives in ``$SEMIVISIBLE_CACHE_DIR``, else ``$XDG_CACHE_HOME/semivisible``, else
``~/.cache/semivisible``. Every expensive table goes through one helper, :func:`cached_arrays`:

* the entry's name is ``<kind>-<key>.npz``, with the key a SHA-256 of the kind, the package version, the cache
  format and the inputs (:func:`cache_key`);
* it is written atomically (temporary file, then rename), so a killed run never leaves a half-written entry;
* on load it is checked: the zip's CRC-32 of every member, the full key stored inside it (an entry copied or
  renamed from other inputs is refused), finite floating-point arrays, and the caller's own check (shapes,
  masses). A truncated, corrupt or mismatched entry is rebuilt with a :class:`~semivisible.errors.CacheWarning`,
  never used.

Set ``SEMIVISIBLE_CACHE_DIR`` to a fresh directory to start clean, or delete the directory.

Examples
--------
>>> key = cache_key("demo", {"ma": 0.1, "seed": 1})
>>> len(key)
64
>>> key == cache_key("demo", {"seed": 1, "ma": 0.1})  # order of the inputs does not matter
True
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from semivisible._version import __version__
from semivisible.errors import CacheWarning

__all__ = [
    "CACHE_FORMAT",
    "Arrays",
    "atomic_write_bytes",
    "atomic_write_text",
    "cache_dir",
    "cache_entry",
    "cache_key",
    "cached_arrays",
    "is_cached",
    "load_arrays",
    "load_entry",
    "save_arrays",
]

#: Layout of a cache entry (part of every key): 2 = the key and kind stored in the entry, checked on load.
CACHE_FORMAT = 2

Arrays = dict[str, NDArray[Any]]
#: A check of a loaded entry: None if it is good, else the reason it is not.
EntryCheck = Callable[[Arrays, dict[str, Any]], str | None]


def cache_dir() -> Path:
    """The cache directory (created on demand)."""
    env = os.environ.get("SEMIVISIBLE_CACHE_DIR")
    if env:
        path = Path(env)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        path = Path(base) / "semivisible"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_key(kind: str, inputs: dict[str, Any]) -> str:
    """SHA-256 of the kind, the package version and the inputs (as canonical JSON)."""
    blob = json.dumps(
        {"kind": kind, "version": __version__, "format": CACHE_FORMAT, "inputs": inputs}, sort_keys=True, default=str
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _atomic_write(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    _atomic_write(Path(path), lambda handle: handle.write(data))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def save_arrays(
    path: str | os.PathLike[str], arrays: dict[str, NDArray[Any]], meta: dict[str, Any], *, compress: bool = True
) -> None:
    """Save named arrays and a JSON metadata dict to an ``.npz`` file, atomically.

    ``compress=False`` suits large tables of random floats (they hardly compress, and load several times faster).
    """
    payload = dict(arrays)
    payload["__meta__"] = np.frombuffer(json.dumps(meta, sort_keys=True, default=str).encode(), dtype=np.uint8)
    save = np.savez_compressed if compress else np.savez

    def write(handle: Any) -> None:
        save(handle, **payload)  # type: ignore[arg-type]  # numpy stubs mistype **kwds

    _atomic_write(Path(path), write)


def load_arrays(path: str | os.PathLike[str]) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
    """Load what :func:`save_arrays` wrote."""
    with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as data:  # our handle: closed on errors too
        arrays = {k: data[k] for k in data.files if k != "__meta__"}
        meta = json.loads(bytes(data["__meta__"]).decode()) if "__meta__" in data.files else {}
    return arrays, meta


def cache_entry(kind: str, inputs: dict[str, Any]) -> tuple[Path, str]:
    """The path of the entry of ``kind`` for ``inputs``, and its full key.

    >>> path, key = cache_entry("demo", {"ma": 0.1})
    >>> path.name == f"demo-{key[:24]}.npz"
    True
    """
    key = cache_key(kind, inputs)
    return cache_dir() / f"{kind}-{key[:24]}.npz", key


def is_cached(kind: str, inputs: dict[str, Any]) -> bool:
    """Whether an entry exists for these inputs (it is still checked when it is loaded)."""
    return cache_entry(kind, inputs)[0].exists()


#: Whatever reading a damaged file raises (zip, zlib, npy header, JSON metadata): the entry is unreadable.
_UNREADABLE = (Exception,)


def _problem(arrays: Arrays, meta: dict[str, Any], kind: str, key: str, check: EntryCheck | None) -> str | None:
    stored = meta.get("__cache__")
    if not isinstance(stored, dict) or stored.get("key") != key or stored.get("kind") != kind:
        return "it was written for other inputs"
    for name, values in arrays.items():
        if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
            return f"array {name!r} has non-finite values"
    return None if check is None else check(arrays, meta)


def load_entry(
    kind: str, inputs: dict[str, Any], check: EntryCheck | None = None
) -> tuple[Arrays, dict[str, Any]] | None:
    """The checked entry of ``kind`` for ``inputs``, or None if there is none or it is damaged.

    A damaged entry (unreadable, truncated, a CRC error, another key, non-finite floats, or failing ``check``)
    is deleted with a :class:`~semivisible.errors.CacheWarning`, so that the caller rebuilds it.
    """
    path, key = cache_entry(kind, inputs)
    if not path.exists():
        return None
    try:
        arrays, meta = load_arrays(path)
        reason = _problem(arrays, meta, kind, key, check)
    except _UNREADABLE as err:
        reason = f"unreadable: {type(err).__name__}: {err}"
    if reason is None:
        return arrays, meta
    warnings.warn(f"cache entry {path} is damaged ({reason}); rebuilding it", CacheWarning, stacklevel=3)
    path.unlink(missing_ok=True)
    return None


def cached_arrays(
    kind: str,
    inputs: dict[str, Any],
    build: Callable[[], tuple[Arrays, dict[str, Any]]],
    *,
    check: EntryCheck | None = None,
    compress: bool = True,
    use_cache: bool = True,
) -> tuple[Arrays, dict[str, Any]]:
    """The arrays and metadata of ``build()``, kept on disk under the key of ``kind`` and ``inputs``.

    The one cache helper of the package (module notes): a good entry is loaded, a missing or damaged one is
    built and written atomically. ``use_cache=False`` only builds.

    >>> import numpy as np
    >>> calls = []
    >>> def build():
    ...     calls.append(1)
    ...     return {"x": np.arange(3.0)}, {"note": "demo"}
    >>> inputs = {"demo": np.random.default_rng().integers(1 << 62)}
    >>> a, _ = cached_arrays("demo", inputs, build)
    >>> b, meta = cached_arrays("demo", inputs, build)
    >>> len(calls), b["x"].tolist(), meta["note"]
    (1, [0.0, 1.0, 2.0], 'demo')
    """
    if not use_cache:
        return build()
    loaded = load_entry(kind, inputs, check)
    if loaded is not None:
        return loaded
    arrays, meta = build()
    path, key = cache_entry(kind, inputs)
    save_arrays(path, arrays, {**meta, "__cache__": {"kind": kind, "key": key}}, compress=compress)
    return arrays, meta
