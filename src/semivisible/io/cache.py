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

A cache directory that cannot be created or written (``SEMIVISIBLE_CACHE_DIR`` naming a file, a read-only
directory) turns the cache off with one :class:`~semivisible.errors.CacheWarning` that names it; an entry that
cannot be written (disk full, permissions) is skipped with a warning: the computation goes on either way.

Set ``SEMIVISIBLE_CACHE_DIR`` to a fresh directory to start clean, or clear it: :func:`clear_cache`
(``semivisible cache clear``); :func:`cache_info` (``semivisible cache info``) tells what it holds.

**A size bound.** With ``SEMIVISIBLE_CACHE_MAX_MB`` set (MB = 10^6 bytes), every new entry is followed by
:func:`prune_cache`: the least recently used entries (an entry's modification time is renewed whenever it is
used) are removed until the cache holds at most the bound, never the entry just written. ``semivisible cache prune
--max-mb N`` does the same once. Without the variable the cache is not bounded (a cold ``reproduce`` keeps about
340 MB; under a tighter bound its large production tables are rebuilt when needed again).

Examples
--------
>>> key = cache_key("demo", {"ma": 0.1, "seed": 1})
>>> len(key)
64
>>> key == cache_key("demo", {"seed": 1, "ma": 0.1})  # order of the inputs does not matter
True
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import math
import os
import re
import secrets
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from semivisible._version import __version__
from semivisible.errors import CacheWarning, ParameterError

__all__ = [
    "CACHE_FORMAT",
    "MAX_MB_VARIABLE",
    "Arrays",
    "atomic_write_bytes",
    "atomic_write_text",
    "cache_dir",
    "cache_entry",
    "cache_info",
    "cache_key",
    "cached_arrays",
    "check_bound",
    "clear_cache",
    "is_cached",
    "load_arrays",
    "load_entry",
    "prune_cache",
    "save_arrays",
    "staged_directory",
    "usable_cache_dir",
]

#: Layout of a cache entry (part of every key): 2 = the key and kind stored in the entry, checked on load.
CACHE_FORMAT = 2

Arrays = dict[str, NDArray[Any]]
#: A check of a loaded entry: None if it is good, else the reason it is not.
EntryCheck = Callable[[Arrays, dict[str, Any]], str | None]


def _cache_path() -> Path:
    """The configured cache directory (module notes), not created."""
    env = os.environ.get("SEMIVISIBLE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "semivisible"


def cache_dir() -> Path:
    """The cache directory (created on demand; never raises: :func:`usable_cache_dir` tells whether it works)."""
    path = _cache_path()
    with contextlib.suppress(OSError):
        path.mkdir(parents=True, exist_ok=True)
    return path


#: The unusable cache directories already warned about (one warning per directory and process).
_WARNED_UNUSABLE: set[str] = set()


def usable_cache_dir() -> Path | None:
    """The cache directory, created, if it can be written; else None, with one
    :class:`~semivisible.errors.CacheWarning` (per directory and process) that names it."""
    path = _cache_path()
    try:
        if path.exists() and not path.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(path))
        path.mkdir(parents=True, exist_ok=True)
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "not writable", str(path))
    except OSError as err:
        if str(path) not in _WARNED_UNUSABLE:
            _WARNED_UNUSABLE.add(str(path))
            warnings.warn(
                f"the cache directory {path} cannot be used ({type(err).__name__}: {err}); continuing without a "
                "disk cache (set SEMIVISIBLE_CACHE_DIR to a writable directory)",
                CacheWarning,
                stacklevel=3,
            )
        return None
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
        with contextlib.suppress(OSError):  # let the first error through
            Path(tmp).unlink(missing_ok=True)
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where it is not
    available (another OS, an old C library, a file system without it)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0)


def _move_into_place(staging: Path, final: Path) -> None:
    """Put the complete directory ``staging`` at ``final``, replacing what is there; delete the old one."""
    if not final.exists():
        os.rename(staging, final)
        return
    if _exchange(staging, final):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the old content
        return
    old = final.parent / f".{final.name}.old-{secrets.token_hex(4)}"
    os.rename(final, old)
    try:
        os.rename(staging, final)
    except BaseException:
        os.rename(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged_directory(target: str | os.PathLike[str], *, what: str = "directory") -> Iterator[Path]:
    """A new, empty, hidden directory next to ``target`` (same parent, so same file system) to fill. When the
    block ends normally it takes the place of ``target`` whole; when it raises (or is interrupted), it is
    deleted and ``target`` is left as it was. So ``target`` is always either the old or the new complete
    directory: an existing one is swapped in one step where the OS allows (Linux), else renamed aside just
    before the new one is renamed in; then it is deleted. A killed run leaves at most a hidden ``.<name>.*``
    directory beside ``target``.

    ``what`` names the parameter in the :class:`~semivisible.errors.ParameterError` raised for a ``target``
    that is a file, or that holds the working directory.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "out"
    >>> with staged_directory(out) as staging:
    ...     atomic_write_text(staging / "a.txt", "new")
    ...     out.exists()
    False
    >>> (out / "a.txt").read_text()
    'new'
    """
    final = Path(os.path.abspath(target))
    if final.exists() and not final.is_dir():
        raise ParameterError(what, str(target), "a directory, or a path that does not exist yet")
    with contextlib.suppress(OSError):
        cwd = Path.cwd()
        if final == cwd or final in cwd.parents:
            raise ParameterError(what, str(target), "a directory that does not hold the working directory")
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.staging-"))
    try:
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700; give the directory the usual permissions
        yield staging
        _move_into_place(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
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
    return _load_checked(path, key, kind, check)


def _load_checked(path: Path, key: str, kind: str, check: EntryCheck | None) -> tuple[Arrays, dict[str, Any]] | None:
    """:func:`load_entry` for an entry whose path and key are already known."""
    if not path.exists():
        return None
    if not path.is_file():  # a directory, a pipe or a device under an entry's name: never opened (a pipe would block)
        warnings.warn(f"cache entry {path} is not a regular file; not used", CacheWarning, stacklevel=3)
        return None
    try:
        arrays, meta = load_arrays(path)
        reason = _problem(arrays, meta, kind, key, check)
    except _UNREADABLE as err:
        reason = f"unreadable: {type(err).__name__}: {err}"
    if reason is None:
        with contextlib.suppress(OSError):  # used now: the last to go under a size bound (prune_cache)
            os.utime(path)
        return arrays, meta
    warnings.warn(f"cache entry {path} is damaged ({reason}); rebuilding it", CacheWarning, stacklevel=3)
    with contextlib.suppress(OSError):  # an entry that cannot be removed is overwritten, or refused again
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
    built and written atomically. ``use_cache=False`` only builds, and so does an unusable cache directory
    (:func:`usable_cache_dir`); an entry that cannot be written is skipped with a
    :class:`~semivisible.errors.CacheWarning`.

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
    if not use_cache or usable_cache_dir() is None:
        return build()
    path, key = cache_entry(kind, inputs)
    loaded = _load_checked(path, key, kind, check)
    if loaded is not None:
        return loaded
    arrays, meta = build()
    try:
        save_arrays(path, arrays, {**meta, "__cache__": {"kind": kind, "key": key}}, compress=compress)
    except OSError as err:  # disk full, permissions: the result is good, only not kept
        warnings.warn(
            f"could not write the cache entry {path} ({type(err).__name__}: {err}); continuing without it",
            CacheWarning,
            stacklevel=2,
        )
    else:
        bound = _max_mb()
        if bound is not None:
            prune_cache(bound, keep=path)
    return arrays, meta


#: The environment variable of the cache's size bound, in MB (10^6 bytes).
MAX_MB_VARIABLE = "SEMIVISIBLE_CACHE_MAX_MB"


def _max_mb() -> float | None:
    """The size bound of ``$SEMIVISIBLE_CACHE_MAX_MB``, or None (unset, or not a number > 0: then with a warning)."""
    raw = os.environ.get(MAX_MB_VARIABLE)
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        warnings.warn(
            f"{MAX_MB_VARIABLE} = {raw!r} is not a number of MB > 0; the cache is not bounded",
            CacheWarning,
            stacklevel=3,
        )
        return None
    return value


def prune_cache(max_mb: float, *, keep: str | os.PathLike[str] | None = None) -> int:
    """Remove the least recently used cache entries (and leftover temporary files) until the cache directory holds
    at most ``max_mb`` MB (10^6 bytes); ``keep`` is never removed. Returns how many files were removed.

    >>> prune_cache(1e9)
    0
    """
    bound = float(check_bound(max_mb))
    files = []
    for path, _, _, size in _cache_files(_cache_path()):
        try:
            used = path.stat().st_mtime
        except OSError:  # removed meanwhile
            continue
        files.append((used, path, size))
    total = sum(size for _, _, size in files)
    kept = None if keep is None else Path(keep).resolve()
    removed = 0
    for _, path, size in sorted(files, key=lambda f: f[0]):
        if total <= bound * 1e6:
            break
        if kept is not None and path.resolve() == kept:
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
            total -= size
    return removed


def check_bound(max_mb: object) -> float:
    """``max_mb`` as a float if it is a finite number > 0, else a ParameterError naming it."""
    if isinstance(max_mb, bool) or not isinstance(max_mb, int | float) or not (math.isfinite(max_mb) and max_mb > 0):
        raise ParameterError("max_mb", max_mb, "a number of MB > 0, finite")
    return float(max_mb)


#: An entry's file name, ``<kind>-<24 hex digits of its key>.npz`` (:func:`cache_entry`) ...
_ENTRY = re.compile(r"(?P<kind>.+)-[0-9a-f]{24}\.npz")
#: ... and what :func:`atomic_write_bytes` leaves of one when it is killed mid-write.
_LEFTOVER = re.compile(r"\.(?P<kind>.+)-[0-9a-f]{24}\.npz\..+\.tmp")
_KIND = re.compile(r"[A-Za-z0-9_.-]+")


def _cache_files(directory: Path) -> Iterator[tuple[Path, str, bool, int]]:
    """(path, kind, is a leftover temporary file, size in bytes) of every file of the cache in ``directory``."""
    try:
        entries = list(os.scandir(directory))
    except OSError:  # missing, not a directory, unreadable: nothing in it
        return
    for entry in entries:
        match = _ENTRY.fullmatch(entry.name) or _LEFTOVER.fullmatch(entry.name)
        if match is None:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            size = entry.stat(follow_symlinks=False).st_size
        except OSError:  # removed meanwhile
            continue
        yield Path(entry.path), match["kind"], match.re is _LEFTOVER, size


def cache_info() -> dict[str, Any]:
    """What the cache directory holds: its path, whether it exists and can be written, the number of entries
    (in all and by kind, with their sizes), leftover temporary files of killed writes, and the total size in
    bytes and in MB (10^6 bytes). Creates nothing.

    >>> info = cache_info()
    >>> sorted(info)
    ['directory', 'entries', 'exists', 'kinds', 'size_bytes', 'size_mb', 'temporary_files', 'writable']
    """
    path = _cache_path()
    kinds: dict[str, dict[str, int]] = {}
    leftovers = total = 0
    for _, kind, leftover, size in _cache_files(path):
        total += size
        if leftover:
            leftovers += 1
            continue
        row = kinds.setdefault(kind, {"entries": 0, "size_bytes": 0})
        row["entries"] += 1
        row["size_bytes"] += size
    exists = path.is_dir()
    return {
        "directory": str(path),
        "exists": exists,
        "writable": exists and os.access(path, os.W_OK | os.X_OK),
        "entries": sum(row["entries"] for row in kinds.values()),
        "kinds": dict(sorted(kinds.items())),
        "temporary_files": leftovers,
        "size_bytes": total,
        "size_mb": total / 1e6,
    }


def clear_cache(kind: str | None = None) -> int:
    """Remove the entries of ``kind`` (every entry with None) and the leftover temporary files of killed writes
    of them from the cache directory; return how many files were removed. Files that are not the cache's are
    never touched; one that cannot be removed is reported with a :class:`~semivisible.errors.CacheWarning`.

    >>> clear_cache("demo-doctest")
    0
    """
    if kind is not None and not _KIND.fullmatch(kind):
        raise ParameterError("kind", kind, "a cache kind such as signal or scan (letters, digits, _ . -)")
    removed, failed = 0, []
    for path, found, _, _ in _cache_files(_cache_path()):
        if kind is not None and found != kind:
            continue
        try:
            path.unlink()
        except FileNotFoundError:  # removed meanwhile
            continue
        except OSError as err:
            failed.append(f"{path.name}: {err.strerror or err}")
            continue
        removed += 1
    if failed:
        where = _cache_path()
        warnings.warn(f"could not remove {len(failed)} file(s) from {where} ({failed[0]})", CacheWarning, stacklevel=2)
    return removed
