"""The quarterly progress report's own sections (5-9 and the front matter), run by
``notebooks/progress.ipynb``; sections 1-4 are shared with the deck (``kit.quarter``)."""
