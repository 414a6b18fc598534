"""python -m bench [--contacts N] [--database sqlite|postgres|both] [--reuse] ...

Each database runs in its own process (Django configures one database per
process); --database both starts one after the other and prints both tables.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Overridable so a run that writes (the import) can use a private copy of the
# SQLite data set, and keep its results out of the shared table.
DATA = Path(os.environ.get("BENCH_DATA_DIR") or ROOT / "data" / "bench")
RESULTS = Path(
    os.environ.get("BENCH_RESULTS_DIR") or Path(__file__).resolve().parent / "results"
)
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument(
        "--engagement-per-contact",
        type=float,
        default=5.0,
        help="Attendance plus outreach per person (5: 1M people, 5M records).",
    )
    parser.add_argument(
        "--database", choices=("sqlite", "postgres", "both"), default="sqlite"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Use the data set from an earlier run if there is one.",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="Timed runs per operation."
    )
    parser.add_argument(
        "--live-repeat",
        type=int,
        default=1,
        help="Timed runs of the slow live-aggregation comparisons.",
    )
    parser.add_argument(
        "--live-variants",
        default="one year",
        help="Dashboard variants also timed with live aggregation (comma-separated "
        "labels, or 'all'); each takes seconds to minutes at scale.",
    )
    parser.add_argument(
        "--only",
        default="",
        help="Comma-separated operation groups: dashboard, metrics, list, "
        "detail, api, export, workbook, import.",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="Server URL; the database crm_bench_<N> is created there.",
    )
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.database == "both":
        rest = without_database(argv)
        status = 0
        for database in ("sqlite", "postgres"):
            status |= subprocess.call(
                [sys.executable, "-m", "bench", "--database", database, *rest],
                cwd=ROOT,
            )
        return status
    from bench.run import run

    return run(args)


def without_database(argv: list[str]) -> list[str]:
    """The arguments without --database and its value."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--database":
            skip = True
        elif not arg.startswith("--database="):
            out.append(arg)
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
