"""python -m bench.report [--write]: the latest results as Markdown.

Reads bench/results/*.json and prints one table per database and scale; with
--write, replaces the part of docs/performance.md between the bench markers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def _queries(values: list[int]) -> str:
    return str(values[0]) if len(values) == 1 else f"{values[0]}-{values[-1]}"


def section(path: Path) -> str:
    data = json.loads(path.read_text())
    records = data.get("dataset", {}).get("records", {})
    dataset = data.get("dataset", {})
    lines = [
        f"### {data['database']}, {data['contacts']:,} people",
        "",
        f"{records.get('contacts', 0):,} people, {records.get('attendance', 0):,} "
        f"attendance and {records.get('outreach', 0):,} outreach records. "
        f"Built in {dataset.get('seed_seconds', '?')} s "
        f"(summary rebuilt in {dataset.get('summary_rebuild_seconds', '?')} s); "
        f"measured {data['ran_at']} with `{data['command']}`"
        f" (load average {data.get('machine', {}).get('load_average_at_end', '?')}"
        f" on {data.get('machine', {}).get('cpus', '?')} CPUs; reference Python"
        f" loop {data.get('machine', {}).get('reference_loop_ms', '?')} ms,"
        " see docs/performance.md).",
        "",
        "| operation | target | median ms | worst ms | queries | peak MB | met |",
        "|---|---|---:|---:|---:|---:|:-:|",
    ]
    for op in data["operations"]:
        met = "" if op["meets"] is None else ("yes" if op["meets"] else "**no**")
        lines.append(
            f"| {op['name']} | {op['target']} | {op['median_ms']:,.1f} | "
            f"{op['worst_ms']:,.1f} | {_queries(op['queries'])} | "
            f"{op['peak_mb']:,.1f} | {met} |"
        )
    if data.get("ratios"):
        lines += [
            "",
            "| ratio | measure | value | target | met |",
            "|---|---|---:|---|:-:|",
        ]
        for r in data["ratios"]:
            met = "yes" if r["meets"] else "**no**"
            lines.append(
                f"| {r['operation']} | {r['measure']} | {r['ratio']} | "
                f"{r['target']} | {met} |"
            )
    return "\n".join(lines)


def report() -> str:
    files = sorted(RESULTS.glob("*.json"), key=lambda p: (p.stem.split("-")[0], p.stem))
    return "\n\n".join(section(p) for p in files)


def main(argv: list[str]) -> int:
    text = report()
    if "--write" in argv:
        doc = DOC.read_text()
        before, rest = doc.split(START, 1)
        _old, after = rest.split(END, 1)
        DOC.write_text(f"{before}{START}\n{text}\n{END}{after}")
        print(f"Updated {DOC}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
