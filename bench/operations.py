"""The operations of the performance targets (issue "Fast at a million")."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from bench.__main__ import DATA
from bench.run import Op, Result

DASHBOARD_MS = 250
METRICS_MS = 150
LIST_MS = 100
DETAIL_MS = 100


class Refused(RuntimeError):
    pass


def _client(username: str) -> Any:
    from django.test import Client

    from crm.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise Refused(f"{url} answered {response.status_code}")
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def build(args: argparse.Namespace, meta: dict[str, Any]) -> list[Op]:
    from django.utils import timezone

    from contacts.models import Contact
    from crm.models import County, Language, User
    from reports import summary

    today = timezone.localdate()
    leadership = _client("leadership")
    admin = _client("admin")
    king = County.objects.get(code="king")
    spanish = Language.objects.get(code="es")
    organizer = User.objects.get(username="organizer")
    live_repeat = args.live_repeat
    ops: list[Op] = []

    # Dashboard: summary against live aggregation over the detail rows.
    periods = {
        "all time": f"period=custom&start={today.year - 6}-01-01&end={today}",
        "one year": "period=12m",
        "one quarter": "period=quarter",
        "one year, county": f"period=12m&county={king.code}",
        "one year, community": "period=12m&community=HISPANIC",
    }
    for label, query in periods.items():
        url = f"/reports/?{query}"

        def dashboard(url: str = url) -> Any:
            return _get(leadership, url)

        def dashboard_live(url: str = url) -> Any:
            with summary.live_counts():
                return _get(leadership, url)

        ops.append(
            Op(
                f"dashboard, {label}",
                "dashboard",
                f"< {DASHBOARD_MS} ms, >= 5x live",
                dashboard,
                limit_ms=DASHBOARD_MS,
            )
        )
        wanted = {v.strip() for v in args.live_variants.split(",")}
        if "all" not in wanted and label not in wanted:
            continue
        ops.append(
            Op(
                f"dashboard, {label} (live aggregation)",
                "dashboard",
                "comparison",
                dashboard_live,
                repeat=live_repeat,
                warmup=0,
            )
        )

    # Metrics API: every breakdown.
    from reports.metrics import DIMENSIONS

    for by in DIMENSIONS:
        url = f"/api/v1/metrics/engagement/?period=12m&by={by}"
        ops.append(
            Op(
                f"metrics API, by {by}",
                "metrics",
                f"< {METRICS_MS} ms",
                lambda url=url: _get(leadership, url),
                limit_ms=METRICS_MS,
            )
        )
    ops.append(
        Op(
            "metrics API, ladder",
            "metrics",
            f"< {METRICS_MS} ms",
            lambda: _get(leadership, "/api/v1/metrics/ladder/?period=12m"),
            limit_ms=METRICS_MS,
        )
    )

    # Contact list.
    active = Contact.objects.active().count()
    deep = max(1, active // 50 // 2)
    last = max(1, -(-active // 50))
    common = (
        Contact.objects.active()
        .values_list("last_name", flat=True)
        .order_by("pk")
        .first()
        or "García"
    )
    lists = {
        "first page": "",
        "name search (common name)": f"q={common}",
        "name search (rare)": "q=zzqx",
        "email search": "q=person1@",
        "filter county": f"county={king.pk}",
        "filter legislative district": "legislative_district=37",
        "filter language": f"language={spanish.code}",
        "filter role": "role=parent",
        "filter race/ethnicity": "race_category=ASIAN",
        "filter consent": "consent=email",
        "filter owner": f"owner={organizer.pk}",
        "filter archived": "state=archived",
        "sorted by date added": "ordering=-created",
        f"deep page ({deep:,})": f"page={deep}",
        f"last page ({last:,})": f"page={last}",
    }
    for label, query in lists.items():
        ops.append(
            Op(
                f"contact list, {label}",
                "list",
                f"< {LIST_MS} ms, fixed queries",
                lambda query=query: _get(admin, f"/people/?{query}"),
                limit_ms=LIST_MS,
            )
        )

    busy = meta["busy_contact"]
    ops.append(
        Op(
            f"contact page, {meta['busy_contact_entries']} timeline entries",
            "detail",
            f"< {DETAIL_MS} ms",
            lambda: _get(admin, f"/people/{busy}/"),
            limit_ms=DETAIL_MS,
        )
    )

    ops += _api_ops(admin)
    ops += _export_ops()
    ops += _workbook_ops(admin, today)
    ops += _import_ops(args)
    return ops


def _api_ops(admin: Any) -> list[Op]:
    from django.core.serializers.json import DjangoJSONEncoder

    from contacts.models import Contact
    from events.models import Attendance, Outreach

    ops: list[Op] = []
    lists = {
        "contacts": (
            Contact.objects.filter(archived_at=None, merged_into=None).order_by(
                "last_name", "first_name", "id"
            )
        ),
        "attendance": Attendance.objects.order_by("-id"),
        "outreach": Outreach.objects.order_by("-occurred_at", "-id"),
    }
    for name, queryset in lists.items():

        def plain(queryset: Any = queryset) -> Any:
            rows = list(queryset.values()[:1000])
            return len(json.dumps(rows, cls=DjangoJSONEncoder))

        base = f"{name}: values() + JSON, 1,000 rows"
        ops.append(Op(base, "api", "baseline", plain))
        ops.append(
            Op(
                f"API list {name}, 1,000 rows",
                "api",
                "<= 2x values() + JSON",
                lambda name=name: _get(admin, f"/api/v1/{name}/?page_size=1000"),
                note=base,
            )
        )
    return ops


def _export_queryset() -> Any:
    from contacts.models import Contact

    ids = Contact.objects.active().order_by("pk").values_list("pk", flat=True)
    cutoff = ids[99_999] if ids.count() > 100_000 else None
    queryset = Contact.objects.active()
    if cutoff is not None:
        queryset = queryset.filter(pk__lte=cutoff)
    return queryset.order_by("last_name", "first_name", "id")


def _export_ops() -> list[Op]:
    from contacts import exports

    queryset = _export_queryset()
    rows = queryset.count()

    def xlsx() -> Any:
        handle = exports.contacts_xlsx(
            queryset.all(), include_self_id=True, notes=["bench"]
        )
        size = handle.seek(0, 2)
        handle.close()
        return {"bytes": size, "rows": rows}

    def csv() -> Any:
        size = sum(
            len(line)
            for line in exports.contacts_csv(queryset.all(), include_self_id=True)
        )
        return {"bytes": size, "rows": rows}

    return [
        Op(
            f"contact export .xlsx, {rows:,} rows",
            "export",
            "< 10 s, < 150 MB",
            xlsx,
            limit_ms=10_000,
            limit_mb=150,
            repeat=2,
            warmup=0,
        ),
        Op(
            f"contact export .csv, {rows:,} rows",
            "export",
            "< 2 s",
            csv,
            limit_ms=2_000,
            repeat=3,
            warmup=0,
        ),
    ]


def _workbook_ops(admin: Any, today: dt.date) -> list[Op]:
    try:
        import reports.workbook  # noqa: F401
    except ImportError:
        return []
    start = today - dt.timedelta(days=364)
    url = f"/reports/grant-workbook/?start={start}&end={today}"
    return [
        Op(
            "grant report workbook, one year",
            "workbook",
            "< 5 s",
            lambda: _get(admin, url),
            limit_ms=5_000,
            repeat=2,
            warmup=1,
        )
    ]


IMPORT_ROWS = 100_000


def import_file(rows: int = IMPORT_ROWS) -> Path:
    """A people spreadsheet: 90 % new people, 10 % already known (by email)."""
    from openpyxl import Workbook

    from contacts.models import Contact

    path = DATA / f"import-{rows}.xlsx"
    if path.exists():
        return path
    known = list(
        Contact.objects.exclude(email="")
        .order_by("pk")
        .values_list("first_name", "last_name", "email")[: rows // 10]
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("People")
    sheet.append(
        ["First name", "Last name", "Email", "Phone", "ZIP", "County", "Language"]
    )
    counties = ["King", "Yakima", "Spokane", "Pierce", "Benton"]
    for i in range(rows):
        if i % 10 == 0 and known:
            first, last, email = known[(i // 10) % len(known)]
        else:
            first, last, email = (
                f"Import{i}",
                f"Person{i % 997}",
                f"import{i}@example.net",
            )
        sheet.append(
            [
                first,
                last,
                email,
                f"+1509555{i % 10000:04d}" if i % 3 else "",
                "98901",
                counties[i % len(counties)],
                "es" if i % 4 == 0 else "en",
            ]
        )
    tmp = Path(tempfile.mkstemp(suffix=".xlsx", dir=DATA)[1])
    book.save(tmp)
    tmp.rename(path)
    return path


def _import_ops(args: argparse.Namespace) -> list[Op]:
    from django.db import transaction

    from contacts.imports import services
    from contacts.models import ImportBatch
    from crm.models import User

    def run_import() -> Any:
        path = import_file()
        user = User.objects.get(username="datastaff")
        with transaction.atomic():
            with path.open("rb") as upload:
                batch = services.create_batch(
                    upload=upload,
                    filename=path.name,
                    kind=ImportBatch.Kind.CONTACTS,
                    created_by=user,
                )
            batch = services.preview_batch(batch=batch)
            if batch.error:
                raise Refused(batch.error)
            batch = services.commit_batch(batch=batch, committed_by=user)
            counts = dict(batch.counts)
            transaction.set_rollback(True)  # leave the data set as it was
        return {"rows": IMPORT_ROWS, "counts": counts}

    return [
        Op(
            f"import {IMPORT_ROWS:,} people from .xlsx (preview + commit)",
            "import",
            "< 60 s",
            run_import,
            limit_ms=60_000,
            repeat=1,
            warmup=0,
            # Making the spreadsheet (about 20 s) is not part of the import.
            setup=import_file,
        )
    ]


def ratios(results: list[Result]) -> list[dict[str, Any]]:
    """Dashboard against live aggregation; API lists against values() + JSON."""
    by_name = {r.name: r for r in results}
    out: list[dict[str, Any]] = []
    for r in results:
        live = by_name.get(f"{r.name} (live aggregation)")
        if r.group == "dashboard" and live is not None:
            speedup = live.median_ms / r.median_ms if r.median_ms else 0
            out.append(
                {
                    "operation": r.name,
                    "measure": "live aggregation / summary",
                    "ratio": round(speedup, 1),
                    "target": ">= 5",
                    "meets": speedup >= 5,
                }
            )
        if r.group == "api" and r.note in by_name:
            base = by_name[r.note]
            ratio = r.median_ms / base.median_ms if base.median_ms else 0
            out.append(
                {
                    "operation": r.name,
                    "measure": "API / values() + JSON",
                    "ratio": round(ratio, 2),
                    "target": "<= 2",
                    "meets": ratio <= 2,
                }
            )
            r.meets = ratio <= 2
    return out


def ratio_table(pairs: list[dict[str, Any]]) -> str:
    lines = ["| ratio | measure | value | target | met |", "|---|---|---:|---|:-:|"]
    for p in pairs:
        met = "yes" if p["meets"] else "**no**"
        lines.append(
            f"| {p['operation']} | {p['measure']} | {p['ratio']} | "
            f"{p['target']} | {met} |"
        )
    return "\n".join(lines)
