"""Writes to engagement records, with their rules, in one place.

Screens, the API, the public sign-in form and imports all call these, so the
one-row-per-person rule, the no-overwrite rule of self sign-in and the version
check hold everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts import services as contact_services
from contacts.models import Contact, RaceEthnicityCategory
from contacts.normalize import normalize_email, normalize_phone
from crm.models import Language, Program, Topic, User
from events.models import Attendance, Comment, Event, FollowUp, Outreach

EVENT_M2M_FIELDS = (
    "topics",
    "languages_offered",
    "interpretation_provided",
    "host_organizations",
    "organizers",
    "focus_communities",
    "ta_recipients",
)


class StaleEventError(Exception):
    """Someone else saved the event after this edit was started."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else saved this event while you were editing. Nothing was "
                "saved. Check the current details and make your change again."
            )
        )


def _split(fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    scalars = {k: v for k, v in fields.items() if k not in EVENT_M2M_FIELDS}
    m2m = {k: v for k, v in fields.items() if k in EVENT_M2M_FIELDS}
    return scalars, m2m


def _check_dates(event: Event) -> None:
    if event.starts_at and event.ends_at and event.ends_at < event.starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})


# Events ---------------------------------------------------------------------


@transaction.atomic
def create_event(*, created_by: User | None, **fields: Any) -> Event:
    """Create an event; a creator who may not edit others' events organizes it."""
    scalars, m2m = _split(fields)
    event = Event(created_by=created_by, **scalars)
    _check_dates(event)
    event.full_clean(exclude=["created_by"])
    event.save()
    for name, values in m2m.items():
        getattr(event, name).set(list(values or []))
    if created_by is not None and not created_by.has_perm("events.change_any_event"):
        # Otherwise they could not edit the event they just made.
        event.organizers.add(created_by)
    return event


@transaction.atomic
def update_event(
    *,
    event: Event,
    changes: Mapping[str, Any],
    updated_by: User | None,
    expected_version: int | None = None,
) -> Event:
    """Apply changes; refuse with StaleEventError if the event moved on since read."""
    current = Event.objects.select_for_update().get(pk=event.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEventError()
    scalars, m2m = _split(changes)
    for key, value in scalars.items():
        setattr(current, key, value)
    _check_dates(current)
    current.full_clean(exclude=["created_by"])
    current.version = F("version") + 1  # type: ignore[assignment]
    current._history_user = updated_by  # type: ignore[attr-defined]
    current.save()
    current.refresh_from_db(fields=["version"])
    for name, values in m2m.items():
        getattr(current, name).set(list(values or []))
    return current


@transaction.atomic
def cancel_event(*, event: Event, cancelled_by: User | None) -> Event:
    """Mark the event cancelled (kept, with whatever was recorded)."""
    if event.status != Event.Status.CANCELLED:
        event.status = Event.Status.CANCELLED
        event.version = F("version") + 1  # type: ignore[assignment]
        event._history_user = cancelled_by  # type: ignore[attr-defined]
        event.save(update_fields=["status", "version", "updated_at"])
        event.refresh_from_db(fields=["version"])
    return event


@transaction.atomic
def save_event_summary(*, event: Event, summary: str, updated_by: User | None) -> Event:
    """Record "what we heard" for the event."""
    event.summary = summary.strip()
    event._history_user = updated_by  # type: ignore[attr-defined]
    event.save(update_fields=["summary", "updated_at"])
    return event


@transaction.atomic
def reset_signin_link(*, event: Event) -> Event:
    """Give the event a new sign-in link; the old link and QR code stop working."""
    from events.models import new_signin_token

    event.signin_token = new_signin_token()
    event.save(update_fields=["signin_token", "updated_at"])
    return event


# Attendance -----------------------------------------------------------------


@transaction.atomic
def record_attendance(
    *,
    event: Event,
    contact: Contact,
    recorded_by: User | None,
    role: str = Attendance.Role.PARTICIPANT,
    status: str = Attendance.Status.ATTENDED,
    source: str = Attendance.Source.STAFF,
    checked_in_at: datetime | None = None,
) -> tuple[Attendance, bool]:
    """Record the person at the event; one row per person, updated if it exists."""
    if status == Attendance.Status.ATTENDED and checked_in_at is None:
        checked_in_at = timezone.now()
    attendance = (
        Attendance.objects.select_for_update()
        .filter(event=event, contact=contact)
        .first()
    )
    if attendance is None:
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    event=event,
                    contact=contact,
                    role=role,
                    status=status,
                    source=source,
                    checked_in_at=checked_in_at,
                    recorded_by=recorded_by,
                )
            return attendance, True
        except IntegrityError:
            # Someone recorded the same person at the same moment.
            attendance = Attendance.objects.get(event=event, contact=contact)
    attendance.role = role
    attendance.status = status
    if status == Attendance.Status.ATTENDED:
        attendance.checked_in_at = attendance.checked_in_at or checked_in_at
    attendance.recorded_by = recorded_by or attendance.recorded_by
    attendance.save()
    return attendance, False


def find_person(*, email: str = "", phone: str = "") -> Contact | None:
    """The person stored with this email, else this phone (oldest first)."""
    people = Contact.objects.filter(merged_into__isnull=True, erased_at__isnull=True)
    if email:
        found = people.filter(email=email).order_by("id").first()
        if found is not None:
            return found
    if phone:
        return people.filter(phone=phone).order_by("id").first()
    return None


@transaction.atomic
def check_in_walk_in(
    *,
    event: Event,
    recorded_by: User | None,
    role: str = Attendance.Role.PARTICIPANT,
    **contact_fields: Any,
) -> tuple[Attendance, bool]:
    """Check in someone not found by search: the stored person with their email or
    phone if there is one (left unchanged), else a new person.

    Returns the attendance and whether a new person was created.
    """
    email = normalize_email(contact_fields.get("email", "") or "")
    phone = normalize_phone(contact_fields.get("phone", "") or "")
    contact = find_person(email=email, phone=phone)
    created = contact is None
    if contact is None:
        if contact_fields.get("race_categories") or contact_fields.get(
            "race_ethnicity_status"
        ):
            contact_fields.setdefault("self_id_source", Contact.SelfIdSource.STAFF)
        contact = contact_services.create_contact(
            created_by=recorded_by, **contact_fields
        )
    attendance, _new = record_attendance(
        event=event, contact=contact, recorded_by=recorded_by, role=role
    )
    return attendance, created


@transaction.atomic
def remove_attendance(*, attendance: Attendance) -> None:
    """Delete an attendance row recorded by mistake."""
    attendance.delete()


# Public self sign-in --------------------------------------------------------


@dataclass(frozen=True)
class SignInAnswers:
    """What a person typed into the public sign-in form (already validated)."""

    first_name: str
    last_name: str = ""
    email: str = ""
    phone: str = ""
    zip_code: str = ""
    preferred_language: Language | None = None
    race_ethnicity_status: str = ""
    race_categories: Sequence[RaceEthnicityCategory] = field(default_factory=tuple)
    race_write_in: str = ""
    consent: bool = False


def _consent_fields(answers: SignInAnswers) -> dict[str, bool]:
    if not answers.consent:
        return {}
    consent = {}
    if answers.email:
        consent["consent_email"] = True
    if answers.phone:
        consent["consent_sms"] = True
        consent["consent_phone"] = True
    return consent


def _differences(contact: Contact, answers: SignInAnswers) -> dict[str, Any]:
    """Answers that differ from what is stored, as JSON-ready values.

    A blank answer is no answer, never a request to clear what is stored.
    """
    changes: dict[str, Any] = {}
    for name in ("first_name", "last_name", "email", "phone", "zip_code"):
        value = getattr(answers, name)
        if value and value != getattr(contact, name):
            changes[name] = value
    language = answers.preferred_language
    if language is not None and language.pk != contact.preferred_language_id:
        changes["preferred_language"] = language.code
    for name, value in _consent_fields(answers).items():
        if getattr(contact, name) != value:
            changes[name] = value
    status = answers.race_ethnicity_status
    if status == Contact.SelfIdStatus.REPORTED:
        codes = sorted(c.code for c in answers.race_categories)
        stored = sorted(contact.race_categories.values_list("code", flat=True))
        if (
            contact.race_ethnicity_status != status
            or codes != stored
            or (answers.race_write_in or "") != contact.race_write_in
        ):
            changes["race_ethnicity_status"] = status
            changes["race_categories"] = codes
            changes["race_write_in"] = answers.race_write_in
    elif status == Contact.SelfIdStatus.DECLINED and (
        contact.race_ethnicity_status != status
    ):
        changes["race_ethnicity_status"] = status
    return changes


@transaction.atomic
def self_sign_in(*, event: Event, answers: SignInAnswers) -> Attendance:
    """Record a public self sign-in.

    Matches a stored person by email, then phone, or creates one. A match is
    never changed: answers that differ are kept on the attendance for staff to
    review. Signing in again updates the same attendance row.
    """
    contact = find_person(email=answers.email, phone=answers.phone)
    pending: dict[str, Any] = {}
    if contact is None:
        today = timezone.localdate()
        fields: dict[str, Any] = {
            "first_name": answers.first_name,
            "last_name": answers.last_name,
            "email": answers.email,
            "phone": answers.phone,
            "zip_code": answers.zip_code,
            "preferred_language": answers.preferred_language,
        }
        consent = _consent_fields(answers)
        if consent:
            fields.update(consent)
            fields["consent_date"] = today
            fields["consent_source"] = Contact.ConsentSource.SELF_SIGN_IN
        if answers.race_ethnicity_status:
            fields["race_ethnicity_status"] = answers.race_ethnicity_status
            fields["race_categories"] = list(answers.race_categories)
            fields["race_write_in"] = answers.race_write_in
            fields["self_id_source"] = Contact.SelfIdSource.SELF_SIGN_IN
            fields["self_id_date"] = today
        contact = contact_services.create_contact(created_by=None, **fields)
    else:
        pending = _differences(contact, answers)
    attendance = (
        Attendance.objects.select_for_update()
        .filter(event=event, contact=contact)
        .first()
    )
    if attendance is None:
        attendance, _new = record_attendance(
            event=event,
            contact=contact,
            recorded_by=None,
            source=Attendance.Source.SELF_SIGN_IN,
        )
    elif attendance.status != Attendance.Status.ATTENDED:
        attendance.status = Attendance.Status.ATTENDED
        attendance.checked_in_at = attendance.checked_in_at or timezone.now()
    if pending:
        attendance.pending_changes = {**attendance.pending_changes, **pending}
    attendance.save()
    return attendance


PENDING_SELF_ID_FIELDS = ("race_ethnicity_status", "race_categories", "race_write_in")


def _change_for(name: str, value: Any) -> dict[str, Any]:
    """Turn one stored pending answer back into contact fields."""
    today = timezone.localdate()
    if name == "preferred_language":
        return {name: Language.objects.filter(code=value).first()}
    if name == "race_categories":
        return {
            name: list(RaceEthnicityCategory.objects.filter(code__in=value or [])),
            "self_id_source": Contact.SelfIdSource.SELF_SIGN_IN,
            "self_id_date": today,
        }
    if name == "race_ethnicity_status":
        return {
            name: value,
            "self_id_source": Contact.SelfIdSource.SELF_SIGN_IN,
            "self_id_date": today,
        }
    if name.startswith("consent_"):
        return {
            name: bool(value),
            "consent_date": today,
            "consent_source": Contact.ConsentSource.SELF_SIGN_IN,
        }
    return {name: value}


@transaction.atomic
def review_pending_changes(
    *,
    attendance: Attendance,
    accept: Iterable[str],
    reviewed_by: User | None,
    keep: Iterable[str] = (),
) -> Attendance:
    """Apply the accepted answers to the person, drop the rest.

    Fields in `keep` stay pending (for a reviewer who may not see them).
    """
    pending = dict(attendance.pending_changes)
    accepted = [name for name in accept if name in pending]
    keep_names = set(keep) - set(accepted)
    changes: dict[str, Any] = {}
    for name in accepted:
        changes.update(_change_for(name, pending[name]))
    if "race_categories" in changes and "race_ethnicity_status" not in changes:
        changes["race_ethnicity_status"] = Contact.SelfIdStatus.REPORTED
    if "race_categories" in accepted and "race_write_in" in pending:
        changes["race_write_in"] = pending["race_write_in"]
    if changes:
        contact_services.update_contact(
            contact=attendance.contact, changes=changes, updated_by=reviewed_by
        )
    attendance.pending_changes = {k: v for k, v in pending.items() if k in keep_names}
    attendance.save(update_fields=["pending_changes", "updated_at"])
    return attendance


# Outreach and follow-ups ----------------------------------------------------


@transaction.atomic
def create_follow_up(
    *,
    title: str,
    assigned_to: User,
    due_date: date,
    created_by: User | None,
    contact: Contact | None = None,
    event: Event | None = None,
    outreach: Outreach | None = None,
    attendance: Attendance | None = None,
    notes: str = "",
) -> FollowUp:
    """A task for a user, about a person and/or an event."""
    if outreach is not None:
        contact = contact or outreach.contact
    if attendance is not None:
        contact = contact or attendance.contact
        event = event or attendance.event
    follow_up = FollowUp(
        title=title.strip(),
        assigned_to=assigned_to,
        due_date=due_date,
        created_by=created_by,
        contact=contact,
        event=event,
        outreach=outreach,
        attendance=attendance,
        notes=notes,
    )
    follow_up.full_clean(exclude=["created_by"])
    follow_up.save()
    return follow_up


@transaction.atomic
def close_follow_up(*, follow_up: FollowUp, status: str) -> FollowUp:
    """Mark a follow-up done or cancelled (or reopen it)."""
    if status not in FollowUp.Status.values:
        raise ValidationError({"status": _("Choose done, cancelled or open.")})
    follow_up.status = status
    follow_up.completed_at = None if status == FollowUp.Status.OPEN else timezone.now()
    follow_up.save(update_fields=["status", "completed_at"])
    return follow_up


@transaction.atomic
def update_follow_up(*, follow_up: FollowUp, changes: Mapping[str, Any]) -> FollowUp:
    """Change a follow-up's details; a status change goes through close_follow_up."""
    status = changes.get("status")
    for key, value in changes.items():
        if key != "status":
            setattr(follow_up, key, value)
    follow_up.full_clean(exclude=["created_by"])
    follow_up.save()
    if status is not None and status != follow_up.status:
        close_follow_up(follow_up=follow_up, status=status)
    return follow_up


@transaction.atomic
def update_outreach(*, outreach: Outreach, changes: Mapping[str, Any]) -> Outreach:
    """Correct a logged outreach."""
    topics = changes.get("topics")
    for key, value in changes.items():
        if key != "topics":
            setattr(outreach, key, value)
    outreach.full_clean()
    outreach.save()
    if topics is not None:
        outreach.topics.set(list(topics))
    return outreach


@transaction.atomic
def log_outreach(
    *,
    contact: Contact,
    organizer: User,
    channel: str,
    outcome: str,
    purpose: str = Outreach.Purpose.OTHER,
    program: Program | None = None,
    topics: Iterable[Topic] = (),
    notes: str = "",
    occurred_at: datetime | None = None,
    follow_up_date: date | None = None,
    follow_up_title: str = "",
) -> Outreach:
    """Log a one-to-one touch, and a follow-up for the organizer if a date is given."""
    outreach = Outreach(
        contact=contact,
        organizer=organizer,
        channel=channel,
        outcome=outcome,
        purpose=purpose,
        program=program,
        notes=notes,
        occurred_at=occurred_at or timezone.now(),
    )
    outreach.full_clean()
    outreach.save()
    topics = list(topics)
    if topics:
        outreach.topics.set(topics)
    if follow_up_date is not None:
        create_follow_up(
            title=follow_up_title
            or _("Follow up with %(name)s") % {"name": contact.display_name},
            assigned_to=organizer,
            due_date=follow_up_date,
            created_by=organizer,
            outreach=outreach,
        )
    return outreach


@transaction.atomic
def log_outreach_batch(
    *, organizer: User, rows: Sequence[Mapping[str, Any]], **shared: Any
) -> list[Outreach]:
    """Log a call list: one outreach per row (each row's fields over the shared ones).

    All or nothing: a bad row rolls the whole batch back.
    """
    return [
        log_outreach(organizer=organizer, **{**shared, **dict(row)}) for row in rows
    ]


# Listening sessions ---------------------------------------------------------


@transaction.atomic
def add_comments(
    *,
    event: Event,
    texts: Iterable[str],
    created_by: User | None,
    themes: Iterable[Topic] = (),
    language: Language | None = None,
    contact: Contact | None = None,
) -> list[Comment]:
    """Record what was heard: one comment per text, sharing themes and language."""
    themes = list(themes)
    comments = []
    for text in texts:
        text = text.strip()
        if not text:
            continue
        comment = Comment.objects.create(
            event=event,
            text=text,
            language=language,
            contact=contact,
            created_by=created_by,
        )
        if themes:
            comment.themes.set(themes)
        comments.append(comment)
    if not comments:
        raise ValidationError({"text": _("Write what was said.")})
    return comments


# Programs and topics --------------------------------------------------------


@transaction.atomic
def set_archived(*, item: Program | Topic, archived: bool) -> Program | Topic:
    """Archive or restore a program or topic (kept on past records)."""
    item.is_archived = archived
    item.save(update_fields=["is_archived"])
    return item
