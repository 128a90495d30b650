"""Validation: do the evidence's estimators recover what the simulator planted?

The only package that may import both ``research.evidence`` (the estimators) and
``research.simulate`` (the planted truth): the coverage study, the pooling and employment
studies, and the planted-against-recovered comparisons. ``evidence`` never imports the
simulator, so the article's statistics do not depend on how the demo data are made.
"""
