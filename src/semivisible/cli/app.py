"""The ``semivisible`` typer application: the commands, one module per group, and the entry point.

* :mod:`semivisible.cli.model_commands`: ``model``, ``g2``, ``xsec``, ``relic``;
* :mod:`semivisible.cli.experiment_commands`: ``production``, ``limit``, ``yields``, ``point``, ``upper-limit``;
* :mod:`semivisible.cli.scan_commands`: ``scan``, ``reproduce``;
* :mod:`semivisible.cli.cache_commands`: ``cache info``, ``cache clear``.
"""

from __future__ import annotations

from semivisible.cli import cache_commands, experiment_commands, model_commands, scan_commands
from semivisible.cli._common import app

__all__ = ["app", "main"]

# Importing them registers the commands.
_COMMAND_GROUPS = (model_commands, experiment_commands, scan_commands, cache_commands)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``semivisible`` console script."""
    from semivisible.scan.executors import tune_allocator

    tune_allocator()  # this process is ours: large arrays are reused rather than mapped anew (2x on Dask workers)
    app(args=argv, prog_name="semivisible")
