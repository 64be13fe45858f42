"""Synthetic data for demos, tests and benchmarks: `dangjian seed --scale demo|county|city`.

A seed is deterministic: the same `--seed` gives the same organizations, members, names and 身份证号.
Bulk scales are written with `bulk_create` in one transaction and leave one "import" audit event.
This package is also the Django app that carries the `seed` and `bench` commands; its names load lazily
(PEP 562) so that Django can import the app before the models are ready.
"""

import importlib

_EXPORTS = {
    "DEFAULT_SEED": ".runner",
    "SCALES": ".runner",
    "SeedRefused": ".runner",
    "SeedResult": ".runner",
    "existing_data": ".runner",
    "seed": ".runner",
    "DEMO_PASSWORD": ".users",
}

__all__ = ["DEFAULT_SEED", "DEMO_PASSWORD", "SCALES", "SeedRefused", "SeedResult", "existing_data", "seed"]


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
