"""Output paths checked before any work: a directory that exists and is writable, or can be created.

Examples
--------
>>> import tempfile, pathlib
>>> base = pathlib.Path(tempfile.mkdtemp())
>>> check_writable_dir("out", base / "new" / "dir") == base / "new" / "dir"
True
>>> (base / "file").write_text("x")
1
>>> check_writable_dir("out", base / "file")
Traceback (most recent call last):
...
semivisible.errors.ParameterError: out = '...file' is out of range: allowed a directory (this path is a file)
"""

from __future__ import annotations

import os
from pathlib import Path

from semivisible.errors import ParameterError

__all__ = ["check_writable_dir"]


def check_writable_dir(name: str, path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path if it is a writable directory or could be created as one; else a ParameterError.

    Nothing is created: the check walks up to the nearest existing ancestor and asks whether it is a writable
    directory, so that a command fails before its computation, not after.
    """
    if not str(path).strip():
        raise ParameterError(name, str(path), "a directory path (not empty)")
    p = Path(path)
    if p.exists():
        if not p.is_dir():
            raise ParameterError(name, str(p), "a directory (this path is a file)")
        if not os.access(p, os.W_OK | os.X_OK):
            raise ParameterError(name, str(p), "a directory you can write to")
        return p
    parent = p.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ParameterError(name, str(p), f"a path whose existing ancestor {parent} is a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ParameterError(name, str(p), f"a path inside a directory you can write to ({parent} is not)")
    return p
