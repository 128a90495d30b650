"""The simulated programmes of tests/evidence/conftest.py, for the planted-effect checks."""

from tests.evidence.conftest import evidence_config, far, mid, small  # noqa: F401  (fixtures)
