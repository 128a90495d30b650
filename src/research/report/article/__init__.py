"""The article's evidence: its sections (``notebooks/evidence.ipynb``), figures and the files
a journal takes (tables as Markdown/LaTeX/CSV, figures as PDF/SVG/PNG)."""
