"""Load test: organizers logging outreach and checking people in, leadership reading.

Drives the app over HTTP on 127.0.0.1 with real logins, CSRF tokens and forms:
50 simulated organizers (each a thread) log outreach, check people in at one event
and open people's pages, while 5 leadership users load the dashboard and the
metrics API, for a bounded time. Afterwards it reads the database and checks that
every write the server acknowledged is there, and prints throughput, error count
and latency percentiles. Exits non-zero on any error or lost write.

    # PostgreSQL, starting gunicorn itself (migrates and collects static first):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_load \\
        .venv/bin/python bench/load.py --start-server --seconds 60

    # Against a server you run yourself (same DATABASE_URL in both):
    .venv/bin/python bench/load.py --base-url http://127.0.0.1:8000

Only the standard library is used on the client side.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test tidal basin lantern"  # noqa: S105 (synthetic users only)
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    outreach_tokens: set[str] = field(default_factory=set)
    checked_in: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            if len(self.errors) < 1000:
                self.errors.append(message)


class Session:
    """One browser: cookies, CSRF token, a fresh connection per request."""

    def __init__(self, base_url: str, stats: Stats) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 80
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.stats = stats

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        form: dict[str, Any] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, str] | None:
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            connection.close()
        except (OSError, http.client.HTTPException) as exc:
            self.stats.error(f"{kind} {method} {path}: {exc!r}")
            return None
        self.stats.record(kind, time.perf_counter() - started)
        if response.status not in expect:
            self.stats.error(f"{kind} {method} {path}: HTTP {response.status}")
            return None
        return response.status, text

    def login(self, username: str, *, csrf_page: str = "") -> bool:
        page = self.request("setup: login", "GET", "/accounts/login/")
        if page is None:
            return False
        match = CSRF_RE.search(page[1])
        if not match:
            self.stats.error("login: no CSRF token on the login page")
            return False
        done = self.request(
            "setup: login",
            "POST",
            "/accounts/login/",
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": match.group(1),
            },
            expect=(302,),
        )
        if done is None:
            return False
        if csrf_page:
            form = self.request("setup: form", "GET", csrf_page)
            token = CSRF_RE.search(form[1]) if form else None
            if token is None:
                self.stats.error(f"no CSRF token on {csrf_page}")
                return False
            self.csrf = token.group(1)
        return True


@dataclass
class Start:
    """All sessions log in first; the timed window starts when all are ready."""

    ready: threading.Barrier
    go: threading.Event = field(default_factory=threading.Event)
    stop: float = 0.0

    def wait(self) -> float:
        self.ready.wait()
        self.go.wait()
        return self.stop


def organizer(
    base_url: str,
    username: str,
    run: str,
    event_id: int,
    people: list[int],
    start: Start,
    stats: Stats,
    seed: int,
) -> None:
    rng = random.Random(seed)
    session = Session(base_url, stats)
    logged_in = session.login(username, csrf_page="/events/outreach/new/")
    stop = start.wait()
    if not logged_in:
        return
    while time.monotonic() < stop:
        roll = rng.random()
        person = rng.choice(people)
        if roll < 0.35:
            token = f"load:{run}:{secrets.token_hex(8)}"
            done = session.request(
                "log outreach",
                "POST",
                "/events/outreach/new/",
                {
                    "csrfmiddlewaretoken": session.csrf,
                    "contact": person,
                    "channel": "phone",
                    "outcome": rng.choice(["reached", "left_message", "committed"]),
                    "purpose": "invite",
                    "notes": token,
                },
                expect=(302,),
            )
            if done is not None:
                with stats.lock:
                    stats.outreach_tokens.add(token)
        elif roll < 0.70:
            done = session.request(
                "check in",
                "POST",
                f"/events/{event_id}/check-in/mark/",
                {
                    "csrfmiddlewaretoken": session.csrf,
                    "contact": person,
                    "role": "participant",
                },
                expect=(302,),
            )
            if done is not None:
                with stats.lock:
                    stats.checked_in.add(person)
        elif roll < 0.85:
            session.request("person page", "GET", f"/people/{person}/")
        elif roll < 0.93:
            letters = "".join(rng.choice("abcdefghijklmnoprstw") for _ in range(2))
            session.request("search people", "GET", f"/people/?q={letters}")
        else:
            session.request("check-in page", "GET", f"/events/{event_id}/check-in/")


def leader(base_url: str, username: str, start: Start, stats: Stats) -> None:
    session = Session(base_url, stats)
    logged_in = session.login(username)
    stop = start.wait()
    if not logged_in:
        return
    turn = 0
    while time.monotonic() < stop:
        if turn % 2 == 0:
            session.request("dashboard", "GET", "/reports/")
        else:
            session.request("metrics API", "GET", "/api/v1/metrics/engagement/")
        turn += 1


def prepare(organizers: int, leaders: int, people_count: int) -> dict[str, Any]:
    """Users, one event happening now, and people to call (created if missing)."""
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from contacts.models import Contact
    from crm.models import County, User
    from crm.roles import Role
    from events.models import Event

    def user(name: str, role: str) -> str:
        account, created = User.objects.get_or_create(username=name)
        if created:
            account.set_password(PASSWORD)
            account.save()
        account.groups.add(Group.objects.get(name=role))
        return name

    organizer_names = [
        user(f"load-organizer-{i}", Role.ORGANIZER) for i in range(organizers)
    ]
    leader_names = [user(f"load-leader-{i}", Role.LEADERSHIP) for i in range(leaders)]
    missing = people_count - Contact.objects.active().count()
    if missing > 0:
        county = County.objects.get(code="king")
        Contact.objects.bulk_create(
            [
                Contact(first_name=f"Load{i}", last_name="Person", county=county)
                for i in range(missing)
            ],
            batch_size=1000,
        )
    people = list(
        Contact.objects.active()
        .order_by("?")
        .values_list("pk", flat=True)[:people_count]
    )
    now = timezone.now()
    event = Event.objects.create(
        name=f"Load test {now:%Y-%m-%d %H:%M:%S}",
        kind=Event.Kind.COMMUNITY_MEETING,
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=2),
    )
    return {
        "organizers": organizer_names,
        "leaders": leader_names,
        "people": people,
        "event_id": event.pk,
    }


def verify(run: str, event_id: int, stats: Stats) -> dict[str, int]:
    """Every acknowledged write must be in the database."""
    from events.models import Attendance, Outreach

    stored_tokens = set(
        Outreach.objects.filter(notes__startswith=f"load:{run}:").values_list(
            "notes", flat=True
        )
    )
    stored_people = set(
        Attendance.objects.filter(event_id=event_id).values_list(
            "contact_id", flat=True
        )
    )
    return {
        "outreach_acknowledged": len(stats.outreach_tokens),
        "outreach_stored": len(stored_tokens),
        "outreach_lost": len(stats.outreach_tokens - stored_tokens),
        "check_ins_acknowledged": len(stats.checked_in),
        "attendance_stored": len(stored_people),
        "check_ins_lost": len(stats.checked_in - stored_people),
    }


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def server_env(args: argparse.Namespace) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: no TLS redirect, cookies without Secure.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "API_THROTTLE_USER": "100000/minute",
    }


def start_server(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen:
    python = sys.executable
    for command in (
        ["manage.py", "migrate", "--no-input"],
        ["manage.py", "collectstatic", "--no-input", "-v", "0"],
    ):
        subprocess.run([python, *command], cwd=ROOT, env=env, check=True)
    gunicorn = Path(python).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "crm.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            connection.request("GET", "/accounts/login/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start within 30 seconds")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="")
    parser.add_argument("--start-server", action="store_true")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--organizers", type=int, default=50)
    parser.add_argument("--leaders", type=int, default=5)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    if not 1 <= args.seconds <= 600:
        parser.error("--seconds must be between 1 and 600")
    if not 0 < args.organizers + args.leaders <= 500:
        parser.error("between 1 and 500 simulated users")

    env = server_env(args)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DEBUG")})
    os.environ.setdefault("SECRET_KEY", env["SECRET_KEY"])
    sys.path.insert(0, str(ROOT))

    server = start_server(args, env) if args.start_server else None
    base_url = args.base_url or f"http://127.0.0.1:{args.port}"
    try:
        import django

        django.setup()
        setup = prepare(args.organizers, args.leaders, args.people)
        run = secrets.token_hex(4)
        stats = Stats()
        start = Start(ready=threading.Barrier(args.organizers + args.leaders + 1))
        threads = [
            threading.Thread(
                target=organizer,
                args=(
                    base_url,
                    name,
                    run,
                    setup["event_id"],
                    setup["people"],
                    start,
                    stats,
                    index,
                ),
            )
            for index, name in enumerate(setup["organizers"])
        ] + [
            threading.Thread(target=leader, args=(base_url, name, start, stats))
            for name in setup["leaders"]
        ]
        for thread in threads:
            thread.start()
        start.ready.wait(timeout=600)
        started = time.monotonic()
        start.stop = started + args.seconds
        start.go.set()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
        writes = verify(run, setup["event_id"], stats)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    timed = {
        kind: values
        for kind, values in stats.latencies.items()
        if not kind.startswith("setup")
    }
    every = [s for values in timed.values() for s in values]
    report = {
        "users": {"organizers": args.organizers, "leadership": args.leaders},
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "requests_per_second": round(len(every) / elapsed, 1),
        "errors": len(stats.errors),
        "p50_ms": round(percentile(every, 0.50) * 1000),
        "p95_ms": round(percentile(every, 0.95) * 1000),
        "by_kind": {
            kind: {
                "count": len(values),
                "p50_ms": round(statistics.median(values) * 1000),
                "p95_ms": round(percentile(values, 0.95) * 1000),
            }
            for kind, values in sorted(stats.latencies.items())
            if values
        },
        "writes": writes,
        "first_errors": stats.errors[:10],
    }
    print(json.dumps(report, indent=2))
    lost = writes["outreach_lost"] + writes["check_ins_lost"]
    return 1 if stats.errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
