"""What every command shares: the typer application, the option types, error handling and output helpers.

No physics here: the commands parse options, build the objects of the Python API and print what it returns.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from semivisible._version import __version__
from semivisible.cosmo.g2 import FIG4_REFERENCES, g2_references
from semivisible.errors import ParameterError
from semivisible.experiments import DEFAULT_EXPERIMENT
from semivisible.model.dark_sector import BENCHMARK_RATIO, BENCHMARK_SPLITTING
from semivisible.vocabulary import with_rule_keys

__all__ = ["app"]

app = typer.Typer(
    name="semivisible",
    help="NA64 semi-visible dark photons (A' -> chi1 chi2, chi2 -> chi1 e+ e-), arXiv:2107.02021. "
    "Units: GeV, metres, seconds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# Messages carry user input (paths, names): they are printed as plain text, never parsed as rich markup.
_err = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)  # one line per message


def _out() -> Console:
    return Console(file=sys.stdout, markup=False, highlight=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"semivisible {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """NA64 semi-visible dark photons from first principles."""


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn every error a user can cause into a one-line message and exit code 2, with no traceback; show warnings
    as one line each. ParameterError names the parameter, its value and the allowed range; file-system errors name
    the path; a numeric overflow names what was being computed."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except ParameterError as err:
            _fail(str(err))
        except OSError as err:
            where = f" ({err.filename})" if getattr(err, "filename", None) else ""
            _fail(f"{err.strerror or err}{where}")
        except (OverflowError, ZeroDivisionError, FloatingPointError) as err:
            _fail(f"the computation left the range of floating-point numbers ({type(err).__name__}: {err}); "
                  "an input is outside the range where it is defined")  # fmt: skip
        finally:
            for w in caught:
                _err.print(f"warning: {w.message}", style="yellow")


def _fail(message: str) -> None:
    _err.print(f"error: {message}", style="bold red")
    raise typer.Exit(code=2)


def _emit_json(obj: Any) -> None:
    """One JSON document on standard output, keys as in :mod:`semivisible.vocabulary` (earlier spellings kept).

    A non-finite number is never printed: it would be a bug, and it ends the command with exit code 2."""
    try:
        text = json.dumps(with_rule_keys(obj), indent=2, allow_nan=False)
    except ValueError as err:
        _fail(f"the result has a non-finite number ({err}); please report this with the command line")
    typer.echo(text)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "infinite" if math.isinf(value) else f"{value:.6g}"
    return str(value)


def _table(title: str, rows: list[tuple[str, Any, str]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    for name, value, unit in rows:
        table.add_row(name, _fmt(value), unit)
    return table


# --- shared options ----------------------------------------------------------------------------------
Ma = Annotated[float, typer.Option("--ma", help="Dark-photon mass m_A' [GeV].")]
Eps = Annotated[float, typer.Option("--eps", help="Kinetic mixing epsilon.")]
AlphaD = Annotated[float, typer.Option("--alpha-d", help="Dark coupling alpha_D = g_D^2/(4 pi).")]
Ratio = Annotated[
    float | None, typer.Option("--ratio", help=f"m_A'/m_chi1 [default {BENCHMARK_RATIO:g}].", show_default=False)
]
Splitting = Annotated[
    float | None,
    typer.Option("--splitting", help=f"Delta/m_chi1 [default {BENCHMARK_SPLITTING:g}].", show_default=False),
]
Mchi1 = Annotated[float | None, typer.Option("--mchi1", help="m_chi1 [GeV]; with --delta, instead of the ratios.")]
Delta = Annotated[float | None, typer.Option("--delta", help="Delta = m_chi2 - m_chi1 [GeV]; with --mchi1.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")]


ExperimentOpt = Annotated[
    str,
    typer.Option(
        "--experiment",
        help=f"Shipped experiment name or path to your own experiment TOML [default {DEFAULT_EXPERIMENT}].",
    ),
]
ChannelsOpt = Annotated[
    str | None,
    typer.Option(
        "--channels",
        help="A' production channels, comma-separated: brem, annihilation, associated [default: the experiment "
        "file's].",
        show_default=False,
    ),
]


def _channels(value: str | None) -> tuple[str, ...] | None:
    """The --channels list (None: the experiment file's); the names are checked by the experiment."""
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


MethodOpt = Annotated[
    str | None, typer.Option("--method", help="Cross section: etl (default), iww or ww.", show_default=False)
]


def _progress_bar(total: int, label: str) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=_err,
        transient=True,
        disable=not _err.is_terminal,
    )
    return progress


OutDir = Annotated[Path, typer.Option("--out", help="Output directory (created if needed).")]


def _eps_option(eps: str) -> float | str:
    """--eps: a number, or 'g2' for the central g-2 value at each m_A'."""
    if eps == "g2":
        return eps
    try:
        value = float(eps)
    except ValueError:
        raise ParameterError("eps", eps, "a number > 0, or 'g2' (the central g-2 value at each m_A')") from None
    if not (value > 0 and math.isfinite(value)):
        raise ParameterError("eps", eps, "a number > 0, or 'g2' (the central g-2 value at each m_A')")
    return value


G2Bands = Annotated[
    list[str] | None,
    typer.Option(
        "--g2-band",
        help="g-2 reference drawn as a 2 sigma band on eps planes (repeatable; default wp2020-world2021 and "
        "wp2020-bnl, as in the paper).",
    ),
]


def _g2_bands(names: list[str] | None) -> tuple[str, ...]:
    """The --g2-band names, checked against the shipped references."""
    known = g2_references()
    chosen = tuple(names) if names else FIG4_REFERENCES
    for name in chosen:
        if name not in known:
            raise ParameterError("g2_band", name, "one of " + ", ".join(known))
    return chosen
