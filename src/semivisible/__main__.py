"""``python -m semivisible``: the command-line interface."""

from semivisible.cli import main

if __name__ == "__main__":
    main()
