"""Reports: Danish/English formatting, the house style for figures and tables, and rendering.

Every number, date and figure a reader sees goes through this package, so the quarterly report
looks the same and reads correctly in both languages.
"""
