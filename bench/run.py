"""One database: configure Django, make or reuse the data set, run, report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.__main__ import DATA, RESULTS, ROOT


@dataclass
class Op:
    name: str
    group: str
    target: str
    run: Callable[[], Any]
    limit_ms: float | None = None
    limit_mb: float | None = None
    repeat: int | None = None
    warmup: int = 1
    note: str = ""
    # Run once before the warm-up and the clock (inputs the operation reads).
    setup: Callable[[], Any] | None = None


@dataclass
class Result:
    name: str
    group: str
    target: str
    median_ms: float
    worst_ms: float
    runs: int
    queries: list[int]
    peak_mb: float
    meets: bool | None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def reference_loop_ms(repeat: int = 5) -> float:
    """The median time of one fixed pure-Python loop: how fast this machine
    runs Python, so tables measured on different machines can be compared
    (the same code measured 2x slower on a machine whose loop took 2x longer
    is the machine, not the code)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def configure(args: argparse.Namespace) -> tuple[str, str]:
    label = f"{args.database}-{args.contacts}"
    if args.database == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA / f'sqlite-{args.contacts}.sqlite3'}"
    else:
        url = args.postgres_url.rstrip("/") + f"/crm_bench_{args.contacts}"
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="true",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="crm.settings",
        AXES_ENABLED="false",
        API_THROTTLE_USER="1000000/minute",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    return label, url


def _sqlite_path(args: argparse.Namespace) -> Path:
    return DATA / f"sqlite-{args.contacts}.sqlite3"


def _drop(args: argparse.Namespace) -> None:
    if args.database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{_sqlite_path(args)}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    server = args.postgres_url.rstrip("/") + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        name = f"crm_bench_{args.contacts}"
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _exists(args: argparse.Namespace) -> bool:
    if args.database == "sqlite":
        return _sqlite_path(args).exists()
    import psycopg

    server = args.postgres_url.rstrip("/") + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s",
            (f"crm_bench_{args.contacts}",),
        ).fetchone()
    return row is not None


def _meta_path(label: str) -> Path:
    return DATA / f"{label}.meta.json"


def ensure_dataset(args: argparse.Namespace, label: str) -> dict[str, Any]:
    """Build the data set (or reuse it) and return what it holds."""
    fresh = not (args.reuse and _exists(args))
    if fresh:
        _drop(args)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection

    from contacts.models import Contact
    from demo.seeding import seed
    from reports import summary

    meta: dict[str, Any] = {}
    if _meta_path(label).exists() and not fresh:
        meta = json.loads(_meta_path(label).read_text())
    if fresh or not Contact.objects.exists():
        print(f"Building {args.contacts:,} people on {args.database} ...", flush=True)
        from django.test.utils import override_settings

        started = time.perf_counter()
        # The summary is built (and timed) separately below.
        with override_settings(CRM_ENGAGEMENT_SUMMARY=False):
            report = seed(
                contacts=args.contacts,
                seed=args.seed,
                engagement_per_contact=args.engagement_per_contact,
            )
        meta = {
            "seed_seconds": round(time.perf_counter() - started, 1),
            "seeded": report.counts,
            "built_on": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
    if connection.vendor == "postgresql":
        # Planner statistics and the visibility map (which lets a query answer
        # from an index alone), as autovacuum keeps them in production: it may
        # be off on a benchmark server, and a set built by older code lacks them.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if not summary.is_built() or "summary_rebuild_seconds" not in meta:
        started = time.perf_counter()
        summary.rebuild()
        meta["summary_rebuild_seconds"] = round(time.perf_counter() - started, 1)
    from bench import fixtures

    meta.update(fixtures.ensure(meta))
    _meta_path(label).write_text(json.dumps(meta, indent=2))
    return meta


def measure(op: Op, repeat: int) -> Result:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    runs = op.repeat if op.repeat is not None else repeat
    if op.setup is not None:
        op.setup()
    for _ in range(op.warmup):
        op.run()
    times: list[float] = []
    queries: list[int] = []
    extra: dict[str, Any] = {}
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            out = op.run()
            times.append(time.perf_counter() - started)
        queries.append(len(captured))
        if isinstance(out, dict):
            extra = out
    tracemalloc.start()
    op.run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median = statistics.median(times) * 1000
    worst = max(times) * 1000
    peak_mb = peak / 1e6
    meets: bool | None = None
    if op.limit_ms is not None:
        meets = median <= op.limit_ms
    if op.limit_mb is not None:
        meets = bool(meets is not False and peak_mb <= op.limit_mb)
    return Result(
        name=op.name,
        group=op.group,
        target=op.target,
        median_ms=round(median, 1),
        worst_ms=round(worst, 1),
        runs=runs,
        queries=sorted(set(queries)),
        peak_mb=round(peak_mb, 1),
        meets=meets,
        note=op.note,
        extra=extra,
    )


def _fmt_queries(values: list[int]) -> str:
    return str(values[0]) if len(values) == 1 else f"{values[0]}-{values[-1]}"


def table(results: list[Result]) -> str:
    lines = [
        "| operation | target | median ms | worst ms | queries | peak MB | met |",
        "|---|---|---:|---:|---:|---:|:-:|",
    ]
    for r in results:
        met = "" if r.meets is None else ("yes" if r.meets else "**no**")
        lines.append(
            f"| {r.name} | {r.target} | {r.median_ms:,.1f} | {r.worst_ms:,.1f} | "
            f"{_fmt_queries(r.queries)} | {r.peak_mb:,.1f} | {met} |"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    label, _url = configure(args)
    meta = ensure_dataset(args, label)
    from bench import operations

    groups = {g.strip() for g in args.only.split(",") if g.strip()}
    ops = operations.build(args, meta)
    results: list[Result] = []
    for op in ops:
        if groups and op.group not in groups:
            continue
        print(f"  {op.name} ...", end="", flush=True)
        result = measure(op, args.repeat)
        print(f" {result.median_ms:,.1f} ms", flush=True)
        results.append(result)
    pairs = operations.ratios(results)
    header = (
        f"## {args.database}, {args.contacts:,} people "
        f"({meta.get('records', {}).get('attendance', 0):,} attendance, "
        f"{meta.get('records', {}).get('outreach', 0):,} outreach)"
    )
    text = "\n".join(
        [
            header,
            "",
            table(results),
            "",
            operations.ratio_table(pairs),
        ]
    )
    print()
    print(text)
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "database": args.database,
        "contacts": args.contacts,
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "ran_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            # Other jobs on the machine inflate every time: say how busy it was.
            "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
            "disk_free_gb": round(shutil.disk_usage(ROOT).free / 1e9),
            "reference_loop_ms": reference_loop_ms(),
        },
        "dataset": meta,
        "operations": [asdict(r) for r in results],
        "ratios": pairs,
        "markdown": text,
    }
    out = RESULTS / f"{label}.json"
    if groups and out.exists():
        # A partial run updates its operations in the last full table.
        old = json.loads(out.read_text())
        kept = [
            o for o in old["operations"] if o["name"] not in {r.name for r in results}
        ]
        payload["operations"] = kept + payload["operations"]
        redone = {r["operation"] for r in payload["ratios"]}
        payload["ratios"] = [
            r for r in old.get("ratios", []) if r["operation"] not in redone
        ] + payload["ratios"]
        # Say which runs the table now comes from.
        payload["command"] = f"{old['command']}`, then `{payload['command']}"
    out.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"\nWrote {shown}")
    return 0
