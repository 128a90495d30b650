"""Reports: three products on one kit, and the runner that makes and publishes them.

``kit`` holds what every product shares (context, labels, formatting, published tables and
their disclosure protection and audit, figure style and charts, sections, and in
``kit.quarter`` the numbers a quarter publishes together); ``progress``, ``article`` and
``seminar`` are the products; ``runner`` runs the notebooks and writes HTML, PDF, the deck,
Quarto output and the manifest. Arrows point one way, kit <- products <- runner
(``tests/report/test_products_layout.py``), so every number a reader sees looks and is
protected the same in all three.
"""
