"""The kit every report product shares: context, labels, formatting, published tables and their
disclosure protection and audit, figure style and charts, and what a section is.

Why a kit: the progress report, the article and the seminar deck must show a number the same
way and withhold the same cells, so what they share lives here and no product imports another.
"""
