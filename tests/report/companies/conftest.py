"""The capture fixture for the company plan tests."""

from tests.report.captured import capture

__all__ = ["capture"]
