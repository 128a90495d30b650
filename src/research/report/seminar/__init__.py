"""The seminar deck: its slides, the numbers it shows (audited with the report's) and the
article's findings that are ready for a public audience (``notebooks/seminar.ipynb``)."""
