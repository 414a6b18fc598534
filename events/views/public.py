"""The public self sign-in form: no login, in the person's language.

It never shows or confirms anything stored: whoever signs in, and whether or
not we knew them, the answer is the same "thank you" page.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.cache import never_cache

from crm.models import Language
from events import services
from events.forms import PublicSignInForm
from events.models import Event

DEFAULT_LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("vi", "Tiếng Việt"),
    ("ru", "Русский"),
    ("uk", "Українська"),
    ("so", "Soomaali"),
    ("zh-hans", "简体中文"),
]
# Stored Language codes for the public form's languages, to preselect one.
LANGUAGE_ROW_CODES = {"zh-hans": "zh"}


def public_languages() -> list[tuple[str, str]]:
    return list(getattr(settings, "PUBLIC_SIGNIN_LANGUAGES", DEFAULT_LANGUAGES))


def choose_language(request: HttpRequest) -> str:
    """The language asked for, else the browser's first public one, else English."""
    codes = [code for code, _name in public_languages()]
    asked = (request.POST.get("lang") or request.GET.get("lang") or "").lower()
    if asked in codes:
        return asked
    header = request.headers.get("Accept-Language", "")
    for accepted, _quality in parse_accept_lang_header(header):
        accepted = accepted.lower()
        for code in codes:
            if accepted == code or accepted.split("-")[0] == code.split("-")[0]:
                return code
    return codes[0]


def _too_many(request: HttpRequest, event: Event) -> bool:
    """Count posts per address per event; the address is hashed, never stored."""
    limit = int(getattr(settings, "PUBLIC_SIGNIN_MAX_POSTS", 60))
    window = int(getattr(settings, "PUBLIC_SIGNIN_WINDOW_SECONDS", 600))
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{event.pk}:{address}".encode()).hexdigest()[:32]
    key = f"signin-rate:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def _finish(response: HttpResponse, language: str) -> HttpResponse:
    response["Content-Language"] = language
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _context(event: Event, language: str, **extra: Any) -> dict[str, Any]:
    return {
        "event": event,
        "lang": language,
        "languages": public_languages(),
        **extra,
    }


@never_cache
def signin(request: HttpRequest, token: str) -> HttpResponse:
    event = get_object_or_404(
        Event.objects.select_related("county"), signin_token=token
    )
    language = choose_language(request)
    with translation.override(language):
        now = timezone.now()
        if not event.signin_is_open(now):
            state = "cancelled"
            if event.status != Event.Status.CANCELLED:
                state = "not_yet" if now < event.signin_opens_at else "closed"
            response = render(
                request,
                "public/signin_closed.html",
                _context(event, language, state=state),
                status=200 if request.method == "GET" else 403,
            )
            return _finish(response, language)
        status = 200
        if request.method == "POST":
            form = PublicSignInForm(request.POST)
            if _too_many(request, event):
                status = 429
                form.is_valid()
                form.add_error(
                    None,
                    translation.gettext(
                        "Too many sign-ins from this device. Please wait a few "
                        "minutes and try again."
                    ),
                )
            elif form.is_valid():
                if not form.is_bot:
                    services.self_sign_in(event=event, answers=form.answers())
                url = reverse("public-signin-thanks", args=[event.signin_token])
                return redirect(f"{url}?lang={language}")
            else:
                status = 400
        else:
            row_code = LANGUAGE_ROW_CODES.get(language, language)
            preferred = Language.objects.filter(code=row_code).first()
            form = PublicSignInForm(initial={"preferred_language": preferred})
        response = render(
            request,
            "public/signin.html",
            _context(event, language, form=form),
            status=status,
        )
    return _finish(response, language)


@never_cache
def signin_thanks(request: HttpRequest, token: str) -> HttpResponse:
    event = get_object_or_404(Event, signin_token=token)
    language = choose_language(request)
    with translation.override(language):
        response = render(
            request, "public/signin_thanks.html", _context(event, language)
        )
    return _finish(response, language)
