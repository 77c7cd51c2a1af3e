"""Fixtures of the SQL-backend tests: hypothesis profiles and the shared sample data.

The hypothesis profiles are the ones of `tests/properties/conftest.py` (same names, same
settings): `ci` when the environment variable `CI` is set, `dev` otherwise,
`HYPOTHESIS_PROFILE=<name>` overrides both.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings


def load_support():
    """`_support.py` as one module shared by this conftest and the test modules: loaded here,
    before pytest imports any test module of this folder, which then `import
    rubric_tests_sql_support as support`."""
    name = "rubric_tests_sql_support"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("_support.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


load_support()

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def sample_folder(tmp_path_factory):
    """sample_folder(rubric, fmt="parquet") -> the folder of that rubric's sample data set,
    generated once per session (40 merchants, seed 7)."""
    support = load_support()
    made: dict[tuple[str, str], Path] = {}

    def get(rubric_name: str, fmt: str = "parquet") -> Path:
        key = (support.SAMPLE_OF[rubric_name], fmt)
        if key not in made:
            folder = tmp_path_factory.mktemp(f"sample-{key[0]}-{fmt}")
            made[key] = support.write_sample(folder, key[0], fmt=fmt)
        return made[key]
    return get
