"""The numbers a quarter publishes together: sections 1-4 (targets, progress over time, funnels,
composition) and their quarter-wide protection.

Why in the kit: the progress report shows these sections, every partner report is protected
jointly with them (``protection``) and the seminar deck shows some of the same cells, so all
three build them from here and withhold exactly the same cells.
"""
