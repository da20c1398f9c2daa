"""Commands on the disk cache of tables (:mod:`semivisible.io.cache`): ``cache info`` and ``cache clear``.

They only print: where the cache is, what it holds and what was removed come from
:func:`semivisible.io.cache.cache_info` and :func:`semivisible.io.cache.clear_cache`. No prompts.
"""

from __future__ import annotations

from typing import Annotated

import typer

from semivisible.cli._common import JsonFlag, _emit_json, _out, _user_errors, app
from semivisible.io.cache import cache_info, check_bound, clear_cache, prune_cache

__all__ = ["cache_app", "cache_clear_cmd", "cache_info_cmd", "cache_prune_cmd"]

cache_app = typer.Typer(
    help="The disk cache of tables ($SEMIVISIBLE_CACHE_DIR, else $XDG_CACHE_HOME/semivisible, else "
    "~/.cache/semivisible): what it holds, clearing it, and bounding its size.",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info_cmd(json_out: JsonFlag = False) -> None:
    """The cache directory, its entries by kind and their total size (bytes and MB = 10^6 bytes)."""
    with _user_errors():
        info = cache_info()
    if json_out:
        _emit_json(info)
        return
    out = _out()
    state = "" if info["exists"] else " (does not exist yet)"
    if info["exists"] and not info["writable"]:
        state = " (not writable: the cache is off)"
    out.print(f"cache directory: {info['directory']}{state}", highlight=False)
    for kind, row in info["kinds"].items():
        out.print(f"  {kind}: {row['entries']} entries, {row['size_bytes'] / 1e6:.1f} MB", highlight=False)
    if info["temporary_files"]:
        out.print(f"  leftover temporary files of killed writes: {info['temporary_files']}", highlight=False)
    out.print(f"total: {info['entries']} entries, {info['size_bytes']} bytes ({info['size_mb']:.1f} MB)")


@cache_app.command("clear")
def cache_clear_cmd(
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Remove only the entries of this kind (see `cache info`).", show_default=False),
    ] = None,
) -> None:
    """Remove the cache's entries (of one kind with --kind) and leftover temporary files; nothing else."""
    with _user_errors():
        before = cache_info()
        removed = clear_cache(kind)
    kinds = {k: row for k, row in before["kinds"].items() if kind is None or k == kind}
    detail = ", ".join(f"{k}: {row['entries']}" for k, row in kinds.items())
    size = sum(row["size_bytes"] for row in kinds.values())
    what = f" ({detail}; {size / 1e6:.1f} MB)" if detail else ""
    _out().print(f"removed {removed} file(s){what} from {before['directory']}", highlight=False)


@cache_app.command("prune")
def cache_prune_cmd(
    max_mb: Annotated[float, typer.Option("--max-mb", help="The size to keep, in MB (10^6 bytes).")],
) -> None:
    """Remove the least recently used entries until the cache holds at most --max-mb MB (set
    $SEMIVISIBLE_CACHE_MAX_MB to do this after every new entry)."""
    with _user_errors():
        bound = check_bound(max_mb)
        before = cache_info()
        removed = prune_cache(bound)
        after = cache_info()
    _out().print(
        f"removed {removed} file(s) from {before['directory']}: "
        f"{before['size_mb']:.1f} MB -> {after['size_mb']:.1f} MB",
        highlight=False,
    )
