"""Hypothesis profiles for the property tests.

- `ci`: bounded and reproducible (derandomized, no deadline, few examples), loaded when the
  environment variable `CI` is set;
- `dev`: Hypothesis's defaults with no deadline (the compiler's first call builds the parser);
- `HYPOTHESIS_PROFILE=<name>` overrides both, e.g. `HYPOTHESIS_PROFILE=ci pytest tests/properties`.

The slow tests carry `@pytest.mark.slow`; they are never skipped, the profile bounds them.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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
