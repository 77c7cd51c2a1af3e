"""Shared pytest configuration for the Rubric test suite.

Command-line options are declared here; fixtures that several test folders share go below.
"""

from __future__ import annotations

import pytest


# --- command-line options -------------------------------------------------------------------

def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden expectation files (e.g. tests/cases/*/bad/*.diagnostics) instead of comparing",
    )


# --- fixtures -------------------------------------------------------------------------------

@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with `--update-goldens`."""
    return bool(request.config.getoption("--update-goldens"))
