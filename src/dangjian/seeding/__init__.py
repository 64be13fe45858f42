"""Synthetic data for demos, tests and benchmarks: `dangjian seed --scale demo|county|city`.

A seed is deterministic: the same `--seed` gives the same organizations, members, names and 身份证号.
Bulk scales are written with `bulk_create` in one transaction and leave one "import" audit event.
"""

from .runner import DEFAULT_SEED, SCALES, SeedRefused, SeedResult, existing_data, seed
from .users import DEMO_PASSWORD

__all__ = ["DEFAULT_SEED", "DEMO_PASSWORD", "SCALES", "SeedRefused", "SeedResult", "existing_data", "seed"]
