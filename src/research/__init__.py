"""Kompetenceløft Workbench: the library behind the programme's reports and evidence."""

__version__ = "0.1.0"
