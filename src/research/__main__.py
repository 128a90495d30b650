"""`python -m research` runs the command line."""

from research.cli import app

app(prog_name="research")
