"""`dangjian bench seed --scale …`: how long seeding a scale takes, from an empty database."""

from django.db import transaction

from dangjian.core.bench import BenchRun, PeakRss, Timing, register_bench

from .runner import DEFAULT_SEED, existing_data, seed

TARGET_S = {"demo": 30, "county": 120, "city": 300}


@register_bench("seed", needs_data=False)
def seed_bench(run: BenchRun) -> None:
    """Seeding the scale into an empty database; every run is rolled back, so the database stays empty."""
    if existing_data() is not None:
        raise RuntimeError("bench seed needs an empty database (DATABASE_URL of a fresh database)")
    samples, result = [], None
    with PeakRss() as memory:
        for number in range(1, run.runs + 1):
            with transaction.atomic():
                result = seed(run.scale, DEFAULT_SEED)
                transaction.set_rollback(True)
            samples.append(result.seconds * 1000)
            run.log(f"run {number}: {result.seconds:.1f} s, {result.members:,} members")
    seconds = Timing(samples).median / 1000
    run.figure(f"seed_{run.scale}_s", seconds, "s", target=TARGET_S[run.scale])
    run.figure("seed_members_per_s", result.members / seconds, "rows/s", better="higher")
    run.figure("peak_rss_mb", memory.peak, "MB")
    run.log(f"peak RSS {memory.peak:.0f} MB, {memory.start:.0f} MB at start ({memory.method})")
