"""Every screen an organizer or a community member sees speaks their language.

A page is rendered twice, in English and in the language under test; any piece of
visible text that comes out the same in both, and is not data (a name, a number,
a date) or a word both languages share, is English left untranslated.
These need no browser: they run with the rest of the suite.
"""

from __future__ import annotations

import gettext
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from crm.roles import Role
from tests.conftest import client_for
from tests.factories import (
    AttendanceFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    OutreachFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parents[2]
# Shown in its own language on every page (the language menus), or the same
# word in both languages.
SAME_IN_BOTH = {
    "CRM",
    "API",
    "PNG",
    "SVG",
    "JSON",
    "QR",
    "Email",
    "ID",
    "—",
    "·",
    "*",
    "%",
    "Virtual",
    "Error",
    "Total",
    "No",
    "no",
    "Roles",
}
# English that code outside the templates builds; listed so nothing new slips in.
KNOWN_GAPS: dict[str, set[str]] = {}
DATA_PATTERNS = [
    re.compile(r"https?://\S+"),
    re.compile(r"[\w.+-]+@[\w.-]+"),
    re.compile(r"\bWA \d{5}\b"),
]
NATIVE_NAMES = {name for _code, name in settings.PUBLIC_SIGNIN_LANGUAGES} | {
    "español",
    "English",
}
VISIBLE_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")


class VisibleText(HTMLParser):
    """The pieces of text a person can see or hear on a page."""

    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        values = dict(attrs)
        for name in VISIBLE_ATTRIBUTES:
            if values.get(name):
                self.pieces.append(str(values[name]).strip())
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.pieces.append(str(values.get("value") or "").strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.pieces.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [piece for piece in parser.pieces if piece]


def stored_vocabulary() -> set[str]:
    """Names kept in the database (counties, languages, roles, categories): data."""
    from contacts.models import CommunityRole, RaceEthnicityCategory
    from crm.models import County, Language

    names = set(County.objects.values_list("name", flat=True))
    for name, native in Language.objects.values_list("name", "native_name"):
        names |= {name, native}
    names |= set(CommunityRole.objects.values_list("name", flat=True))
    names |= set(RaceEthnicityCategory.objects.values_list("name", flat=True))
    return names


def english_left(english: str, translated: str, data: set[str]) -> list[str]:
    """Text shown the same in both renderings that is not data."""
    data = data | stored_vocabulary()
    known = set(visible_text(english))
    left = []
    for piece in visible_text(translated):
        if piece not in known or not re.search(r"[A-Za-z]{2}", piece):
            continue
        if piece in SAME_IN_BOTH or piece in NATIVE_NAMES or piece in data:
            continue
        stripped = piece
        for pattern in DATA_PATTERNS:
            stripped = pattern.sub("", stripped)
        if not re.search(r"[A-Za-z]{2}", stripped):
            continue
        if any(piece.strip(" ,·:()") == value for value in data):
            continue
        left.append(piece)
    return left


def rendered(client: Client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def open_event(db: None):
    start = timezone.now() - timedelta(minutes=15)
    return EventFactory(
        name="Family math night", starts_at=start, ends_at=start + timedelta(hours=2)
    )


PUBLIC_LANGUAGES = [code for code, _name in settings.PUBLIC_SIGNIN_LANGUAGES[1:]]


@pytest.mark.parametrize("language", PUBLIC_LANGUAGES)
def test_the_public_sign_in_form_has_no_english_left(open_event, language):
    client = Client()
    url = f"/s/{open_event.signin_token}/"
    english = client.get(f"{url}?lang=en").content.decode()
    translated_response = client.get(f"{url}?lang={language}")
    translated = translated_response.content.decode()

    assert translated_response["Content-Language"] == language
    assert f'<html lang="{language}"' in translated
    left = english_left(english, translated, data={"Family math night"})
    assert not left, f"English left on the {language} sign-in form: {left}"


@pytest.mark.parametrize("language", PUBLIC_LANGUAGES)
def test_the_public_form_errors_and_thanks_have_no_english_left(open_event, language):
    url = f"/s/{open_event.signin_token}/"
    english = Client().post(url, {"lang": "en", "first_name": ""}).content.decode()
    translated = Client().post(url, {"lang": language, "first_name": ""})
    left = english_left(english, translated.content.decode(), {"Family math night"})
    assert not left, f"English left in the {language} form's errors: {left}"

    thanks = f"{url}thanks/"
    english = Client().get(f"{thanks}?lang=en").content.decode()
    translated_thanks = Client().get(f"{thanks}?lang={language}").content.decode()
    left = english_left(english, translated_thanks, {"Family math night"})
    assert not left, f"English left on the {language} thank-you page: {left}"


def organizer_pages(open_event) -> tuple[list[str], set[str]]:
    """The pages of an organizer's day, and the data shown on them."""
    organizer = UserFactory(
        username="rosa", first_name="Rosa", last_name="Diaz", role=Role.ORGANIZER
    )
    person = ContactFactory(first_name="Marisol", last_name="Quintero")
    open_event.organizers.add(organizer)
    AttendanceFactory(event=open_event, contact=person)
    OutreachFactory(contact=person, organizer=organizer)
    FollowUpFactory(
        contact=person, assigned_to=organizer, title="Call back about the meeting"
    )
    pages = [
        "/",
        "/people/",
        f"/people/{person.pk}/",
        "/events/",
        f"/events/{open_event.pk}/",
        f"/events/{open_event.pk}/check-in/",
        f"/events/{open_event.pk}/check-in/?q=Quint",
        f"/events/{open_event.pk}/sign-in/",
        "/events/outreach/new/",
        "/events/outreach/new/?q=Quint",
        "/events/outreach/",
        "/events/follow-ups/",
        "/events/follow-ups/new/",
        "/accounts/login/",
    ]
    data = {
        "Family math night",
        "Marisol Quintero",
        "Marisol",
        "Quintero",
        "Rosa",
        "Rosa Diaz",
        "rosa",
        "Call back about the meeting",
        "King",
        person.email,
        str(organizer),
    }
    return pages, data


def test_an_organizers_screens_have_no_english_left_in_spanish(open_event):
    pages, data = organizer_pages(open_event)
    client = client_for(UserFactory._meta.model.objects.get(username="rosa"))
    person = ContactFactory._meta.model.objects.get(last_name="Quintero")
    problems = {}
    for url in pages:
        if url == "/accounts/login/":
            client = Client()
        left = english_left(
            rendered(client, url, "en"), rendered(client, url, "es"), data
        )
        gaps = KNOWN_GAPS.get(url.replace(f"/{person.pk}/", "/{person}/"), set())
        left = [piece for piece in left if piece not in gaps]
        if left:
            problems[url] = left
    assert not problems, f"English left on Spanish screens: {problems}"


def test_key_organizer_pages_speak_spanish(open_event):
    organizer_pages(open_event)
    client = client_for(UserFactory._meta.model.objects.get(username="rosa"))
    home = rendered(client, "/", "es")
    assert '<html lang="es">' in home
    assert "Registrar alcance" in home
    assert "Mis próximos eventos" in home
    checkin = rendered(client, f"/events/{open_event.pk}/check-in/", "es")
    assert "Buscar a una persona" in checkin
    assert "Agregar a alguien nuevo" in checkin
    outreach = rendered(client, "/events/outreach/new/", "es")
    assert "Persona: nombre, teléfono o correo electrónico" in outreach


def catalog_entries(path: Path) -> list[dict[str, object]]:
    """The entries of a .po file: msgid, msgstr(s) and flags."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] | None = None
    key = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            continue  # obsolete: no longer used
        if line.startswith("#,"):
            current = {"flags": line[2:].strip(), "strings": {}}
            entries.append(current)
            continue
        match = re.match(
            r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) "(.*)"$', line
        )
        if match:
            if match.group(1) in ("msgid", "msgctxt") and (
                current is None or "msgid" in current["strings"]  # type: ignore[operator]
            ):
                current = {"flags": "", "strings": {}}
                entries.append(current)
            key = match.group(1)
            current["strings"][key] = match.group(2)  # type: ignore[index]
        elif line.startswith('"') and current is not None:
            current["strings"][key] += line[1:-1]  # type: ignore[index]
    return [e for e in entries if e["strings"].get("msgid")]  # type: ignore[attr-defined]


def test_the_spanish_catalog_has_nothing_untranslated_or_fuzzy():
    entries = catalog_entries(ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 900
    untranslated = [
        e["strings"]["msgid"]  # type: ignore[index]
        for e in entries
        if not all(
            value
            for name, value in e["strings"].items()  # type: ignore[attr-defined]
            if name.startswith("msgstr")
        )
    ]
    fuzzy = [e["strings"]["msgid"] for e in entries if "fuzzy" in str(e["flags"])]  # type: ignore[index]
    assert not untranslated, f"untranslated: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


def test_the_compiled_spanish_catalog_matches_its_source():
    po = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), "compile it: manage.py compilemessages --ignore=.venv"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalog_entries(po):
        strings = entry["strings"]
        msgid = unescape(strings["msgid"])  # type: ignore[index]
        if "msgid_plural" in strings:  # type: ignore[operator]
            plural = unescape(strings["msgid_plural"])  # type: ignore[index]
            wanted = unescape(strings["msgstr[1]"])  # type: ignore[index]
            got = catalog.ngettext(msgid, plural, 2)
        else:
            wanted = unescape(strings["msgstr"])  # type: ignore[index]
            if "msgctxt" in strings:  # type: ignore[operator]
                got = catalog.pgettext(unescape(strings["msgctxt"]), msgid)  # type: ignore[index]
            else:
                got = catalog.gettext(msgid)
        if got != wanted:
            stale.append(msgid)
    assert not stale, f"recompile (compilemessages): {stale[:10]}"


def unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
