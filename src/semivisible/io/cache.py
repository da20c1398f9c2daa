"""On-disk cache of expensive tables, keyed by a hash of their inputs and the package version.

The cache lives in ``$SEMIVISIBLE_CACHE_DIR``, else ``$XDG_CACHE_HOME/semivisible``, else
``~/.cache/semivisible``. Entries are ``.npz`` files written atomically (temporary file, then rename), so a
killed run never leaves a half-written entry. Set ``SEMIVISIBLE_CACHE_DIR`` to a fresh directory to start
clean, or delete the directory.

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
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from semivisible._version import __version__

__all__ = ["atomic_write_bytes", "atomic_write_text", "cache_dir", "cache_key", "load_arrays", "save_arrays"]


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
    blob = json.dumps({"kind": kind, "version": __version__, "inputs": inputs}, sort_keys=True, default=str)
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
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "__meta__"}
        meta = json.loads(bytes(data["__meta__"]).decode()) if "__meta__" in data.files else {}
    return arrays, meta
