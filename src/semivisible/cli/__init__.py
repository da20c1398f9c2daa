"""The ``semivisible`` command line (typer with rich).

Parameter names are those of the Python API, with ``-`` for ``_`` (``--alpha-d`` is ``alpha_d``). Every
command has ``--help`` and ``--json`` (one JSON object on standard output). Bad input prints a message that
names the parameter, its value and the allowed range, and exits with code 2, with no traceback.

Examples
--------
>>> from typer.testing import CliRunner
>>> result = CliRunner().invoke(app, ["g2", "--ma", "0.3", "--json"])
>>> result.exit_code
0
"""

from __future__ import annotations

from semivisible.cli.app import app, main

__all__ = ["app", "main"]
