"""Browser tests: Debian's Chromium driven by Playwright against the live server.

Every page a test opens is watched: a console error, a failed request, a response
of 500 or more, or anything asked of a host other than the server fails the test.
A failing test leaves a screenshot of each open page in test-artifacts/e2e/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The app is served on 127.0.0.1 only.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
E2E_DIR = Path(__file__).resolve().parent
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "correct horse battery staple"  # UserFactory's password


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    missing = None
    if not CHROMIUM.exists():
        missing = pytest.mark.skip(
            reason=f"browser tests need Chromium at {CHROMIUM} "
            "(apt-get install chromium, or set CHROMIUM)"
        )
    for item in items:
        if E2E_DIR not in Path(str(item.fspath)).parents:
            continue
        if "browsing" not in getattr(item, "fixturenames", ()):
            continue  # no browser needed: runs with the rest of the suite
        item.add_marker(pytest.mark.e2e)
        # The live server sees committed rows only; the seeded rows (counties,
        # languages, categories) come back after each test's flush.
        item.add_marker(
            pytest.mark.django_db(transaction=True, serialized_rollback=True)
        )
        if missing is not None:
            item.add_marker(missing)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API moves the tests into a new context, where Django opens
    # new database connections: hand them the snapshot that the transactional
    # tests restore the seeded rows from (counties, languages, roles).
    snapshots = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    with sync_playwright() as playwright:
        for alias, snapshot in snapshots.items():
            if snapshot is not None:
                connections[alias]._test_serialized_contents = snapshot  # type: ignore[attr-defined]
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What went wrong while a page was open, and where it went."""

    server_host: str
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    forms: set[str] = field(default_factory=set)  # pages answered 400: form errors

    def attach(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("request", self._request)
        page.on("response", self._response)
        page.on("framenavigated", self._navigated)

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        # A form sent back with its errors answers 400 on purpose; the browser
        # reports that page's status in the console. Any other failure counts.
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and url in self.forms:
            return
        self.problems.append(f"console error: {message.text} ({message.location})")

    def _failed(self, request: Any) -> None:
        # The browser cancels what is still loading when the page moves on (and a
        # download ends its navigation); that is not the server failing. Content
        # that is blocked shows up as a console error instead.
        if request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"request failed: {request.url} {request.failure}")

    def _request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != self.server_host:
            self.problems.append(f"request outside the server: {request.url}")

    def _response(self, response: Any) -> None:
        request = response.request
        if response.status == 400 and request.resource_type == "document":
            self.forms.add(response.url)
        if response.status >= 500:
            self.problems.append(f"server error {response.status}: {response.url}")

    def _navigated(self, frame: Any) -> None:
        if frame.parent_frame is None:
            self.visited.append(frame.url)


@dataclass
class Browsing:
    """Opens pages for one test, watches them, and checks them at the end."""

    browser: Any
    base_url: str
    name: str
    watch: Watch
    contexts: list[Any] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)

    def page(
        self,
        *,
        phone: bool = False,
        locale: str = "en-US",
        accept_downloads: bool = False,
    ) -> Any:
        options: dict[str, Any] = {
            "base_url": self.base_url,
            "locale": locale,
            "accept_downloads": accept_downloads,
            "viewport": PHONE if phone else DESKTOP,
        }
        if phone:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        context = self.browser.new_context(**options)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        self.watch.attach(page)
        self.pages.append(page)
        return page

    def screenshots(self) -> list[Path]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        written = []
        for number, page in enumerate(self.pages, start=1):
            path = ARTIFACTS / f"{self.name}-{number}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception:  # noqa: S112 - a closed page has nothing to show
                continue
            written.append(path)
        return written

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(
    request: pytest.FixtureRequest, browser: Any, live_server: Any
) -> Iterator[Browsing]:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)[:120]
    served = urlsplit(live_server.url)
    assert served.hostname == "127.0.0.1", live_server.url
    watch = Watch(server_host=served.netloc)
    session = Browsing(
        browser=browser, base_url=live_server.url, name=name, watch=watch
    )
    yield session
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        session.screenshots()
    session.close()
    assert not watch.problems, "\n".join(watch.problems)


def log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Username|Usuario", re.I)).fill(username)
    page.get_by_label(re.compile("Password|Contraseña", re.I)).fill(password)
    page.get_by_role(
        "button", name=re.compile("Log in|Sign in|Entrar|Iniciar", re.I)
    ).click()
    page.wait_for_load_state()


@pytest.fixture
def axe_check() -> Callable[[Any], None]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page: Any) -> None:
        results = axe.run(page)
        bad = [
            violation
            for violation in results.response["violations"]
            if violation.get("impact") in ("serious", "critical")
        ]
        lines = []
        for violation in bad:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            lines.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} "
                f"at {'; '.join(targets)}"
            )
        assert not bad, f"accessibility problems on {page.url}:\n" + "\n".join(lines)

    return check
