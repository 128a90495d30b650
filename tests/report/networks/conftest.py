"""The capture fixture for the workshop-2 brief tests."""

from tests.report.captured import capture

__all__ = ["capture"]
