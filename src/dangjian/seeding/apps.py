from django.apps import AppConfig


class SeedingConfig(AppConfig):
    """Synthetic data for demos and benchmarks (`dangjian seed`); no models."""

    name = "dangjian.seeding"
    verbose_name = "演示数据"
