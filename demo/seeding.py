"""Deterministic, realistic synthetic data, written in bulk.

`seed(contacts=N, seed=S)` builds users (one per role, plus organizers), organizations,
legislators, N people, programs and topics, events of every kind over the last 24
months and the next two, attendance, outreach, follow-ups and listening-session
comments. Activity is skewed like real organizing: most of it comes from a minority of
people. The same N and S always give the same data.

Rows are written with explicit primary keys through bulk_create, so 100,000 people take
seconds, and a million fit in minutes, on SQLite.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from contacts.models import (
    RACE_MASK_COLUMN,
    Affiliation,
    CommunityRole,
    Contact,
    Organization,
    RaceEthnicityCategory,
    RaceEthnicityGroup,
    race_mask,
)
from crm.models import County, Language, Program, Topic, User
from crm.reference.wa import (
    COUNTY_LEGISLATIVE_DISTRICTS,
    SCHOOL_DISTRICTS,
    ZIP3_BY_COUNTY,
)
from crm.roles import STAFF_ROLES, Role
from demo import profiles
from events.models import Attendance, Comment, Event, FollowUp, Outreach
from reports import summary

PACIFIC = ZoneInfo("America/Los_Angeles")
BATCH = 5000
HEAVY_USERS = 1000


@dataclass(frozen=True, slots=True)
class DemoLogin:
    role: str
    username: str
    password: str


DEMO_LOGINS = (
    DemoLogin(Role.ORGANIZER, "organizer", "organizer-demo-2026"),
    DemoLogin(Role.LEADERSHIP, "leadership", "leadership-demo-2026"),
    DemoLogin(Role.DATA_STAFF, "datastaff", "datastaff-demo-2026"),
    DemoLogin(Role.ADMINISTRATOR, "admin", "admin-demo-2026"),
)


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)


class Weighted:
    """Pick from weighted choices in O(log n) with a given Random."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[
            bisect.bisect_right(self.cumulative, rng.random() * self.total)
        ]


def _next_id(model: type[models.Model]) -> int:
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def _bulk(model: type[models.Model], rows: Iterator[models.Model] | list[Any]) -> int:
    count = 0
    batch: list[models.Model] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            model._default_manager.bulk_create(batch, batch_size=BATCH)
            count += len(batch)
            batch = []
    if batch:
        model._default_manager.bulk_create(batch, batch_size=BATCH)
        count += len(batch)
    return count


def _same(value: Any) -> Any:
    return value


def _converter(field: models.Field) -> Any:
    """A fast value-to-database converter for one column, chosen once."""
    if connection.vendor == "sqlite":
        if isinstance(field, models.DateTimeField):
            return lambda v: (
                None if v is None else connection.ops.adapt_datetimefield_value(v)
            )
        if isinstance(field, models.DateField):
            return lambda v: None if v is None else v.isoformat()
        if isinstance(field, models.DecimalField):
            return lambda v: None if v is None else str(v)
    if isinstance(field, models.JSONField):
        return lambda v: field.get_db_prep_save(v, connection)
    return lambda v: v


def _raw_insert(
    model: type[models.Model],
    rows: Iterator[dict[str, Any]],
    extra: Sequence[str] = (),
) -> int:
    """Insert rows given as {attname: value} dicts, bypassing model instances.

    Columns a row leaves out take the field's default (auto_now fields: now);
    `extra` names columns the model does not declare, which every row gives.
    On PostgreSQL the rows go through COPY; on SQLite through executemany.
    """
    now = timezone.now()
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (
            f.primary_key
            and isinstance(f, models.AutoField)
            and model._meta.auto_created
        )
    ]
    attnames = [f.attname for f in fields] + list(extra)
    converters = {f.attname: _converter(f) for f in fields}
    converters.update((name, _same) for name in extra)
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value: Any = now
        else:
            value = f.get_default()
        defaults[f.attname] = converters[f.attname](value)
    table = connection.ops.quote_name(model._meta.db_table)
    names = [f.column or f.name for f in fields] + list(extra)
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    count = 0

    def tuples() -> Iterator[tuple[Any, ...]]:
        for row in rows:
            yield tuple(
                converters[a](row[a]) if a in row else defaults[a] for a in attnames
            )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in tuples():
                    copy.write_row(values)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(names))
            # Table and column names come from model metadata, quoted; values are bound.
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
            chunk: list[tuple[Any, ...]] = []
            for values in tuples():
                chunk.append(values)
                if len(chunk) >= 20000:
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
                count += len(chunk)
    return count


def _reset_sequences(*models_: type[models.Model]) -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


@contextlib.contextmanager
def _bulk_load() -> Iterator[None]:
    """On SQLite, a large page cache and no fsync while loading: indexes of
    millions of rows are then built in memory instead of page by page on disk."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield  # (inside a transaction SQLite refuses to change these)
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode")
        journal_mode = str(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -1000000")  # about 1 GB
        cursor.execute("PRAGMA synchronous = OFF")
        # One transaction of millions of rows in a write-ahead log is written
        # twice and looked up through the log's index; a rollback journal kept
        # in memory holds only the few pages that existed before the load.
        cursor.execute("PRAGMA journal_mode = MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA journal_mode = {journal_mode}")
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")


def _analyze() -> None:
    """Give PostgreSQL's planner statistics and visibility map for the rows just
    loaded.

    Without statistics (autovacuum off, or not yet run) it guesses a handful of
    rows per table and picks nested loops that take minutes over millions of
    rows; without the visibility map an index-only scan still reads each row.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PACIFIC)


def ensure_demo_users() -> list[DemoLogin]:
    """One login per role (idempotent)."""
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "first_name": login.role.split()[0].title(),
                "last_name": "Demo",
                "email": f"{login.username}@example.org",
                "is_staff": login.role in STAFF_ROLES,
            },
        )
        if created:
            user.set_password(login.password)
            user.save()
        user.groups.add(Group.objects.get(name=login.role))
    return list(DEMO_LOGINS)


def seed(
    *,
    contacts: int,
    seed: int = 1,
    engagement_per_contact: float = 3.0,
    today: date | None = None,
) -> SeedReport:
    """Write the whole demo data set. Call on a database without demo people."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    report = SeedReport()
    with _bulk_load(), transaction.atomic():
        ensure_demo_users()
        organizers = _organizers(rng)
        ref = _Reference.load()
        orgs = _organizations(rng, ref)
        programs, topics = _programs_and_topics()
        people = _people(rng, ref, orgs, organizers, contacts, today)
        report.counts["contacts"] = people.count
        events = _events(rng, ref, orgs, organizers, programs, topics, contacts, today)
        report.counts["events"] = len(events)
        report.counts.update(
            _engagement(
                rng,
                people,
                events,
                organizers,
                programs,
                topics,
                ref,
                today,
                per_contact=engagement_per_contact,
            )
        )
        _reset_sequences(
            Contact,
            Organization,
            Affiliation,
            Event,
            Attendance,
            Outreach,
            FollowUp,
            Comment,
        )
    _analyze()
    # Rows went in past model signals: build the dashboard's summary from them.
    if summary.enabled():
        summary.rebuild()
    return report


class _Reference:
    def __init__(self) -> None:
        self.counties = {c.code: c for c in County.objects.all()}
        self.languages = {lang.code: lang for lang in Language.objects.all()}
        self.categories = {c.code: c for c in RaceEthnicityCategory.objects.all()}
        self.groups = {g.code: g for g in RaceEthnicityGroup.objects.all()}
        self.roles = {r.code: r for r in CommunityRole.objects.all()}
        self.county_pick = Weighted(
            list(self.counties.values()),
            [max(c.population, 1) for c in self.counties.values()],
        )

    @classmethod
    def load(cls) -> _Reference:
        return cls()


def _organizers(rng: random.Random) -> list[User]:
    group = Group.objects.get(name=Role.ORGANIZER)
    names = [
        ("Rosa", "Delgado"),
        ("Tuan", "Pham"),
        ("Hodan", "Ali"),
        ("Keisha", "Moore"),
        ("Sione", "Fifita"),
        ("Olena", "Melnyk"),
    ]
    users = [User.objects.get(username="organizer")]
    for first, last in names:
        user, created = User.objects.get_or_create(
            username=f"{first}.{last}".lower(),
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}@example.org".lower(),
            },
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        users.append(user)
    return users


@dataclass
class _Orgs:
    districts_by_county: dict[int, list[Organization]]
    community: list[Organization]
    agencies: list[Organization]
    legislative: list[Organization]
    all_ta_targets: list[Organization]


def _organizations(rng: random.Random, ref: _Reference) -> _Orgs:
    next_id = _next_id(Organization)
    rows: list[Organization] = []

    def add(**kwargs: Any) -> Organization:
        nonlocal next_id
        org = Organization(pk=next_id, **kwargs)
        next_id += 1
        rows.append(org)
        return org

    districts_by_county: dict[int, list[Organization]] = {}
    for district in SCHOOL_DISTRICTS:
        county = ref.counties[district.county]
        org = add(
            name=f"{district.name} School District",
            kind=Organization.Kind.SCHOOL_DISTRICT,
            county=county,
            ospi_code=district.ospi_code,
        )
        districts_by_county.setdefault(county.pk, []).append(org)
    community = [
        add(
            name=name,
            kind=Organization.Kind.COMMUNITY,
            county=ref.county_pick.pick(rng),
            is_coalition_partner=rng.random() < 0.6,
        )
        for name in profiles.COMMUNITY_ORGANIZATIONS
    ]
    agencies = [
        add(
            name=name,
            kind=Organization.Kind.STATE_AGENCY,
            county=ref.counties["thurston"],
        )
        for name in profiles.STATE_AGENCIES
    ]
    legislative = [
        add(
            name=f"Legislative District {n} Office",
            kind=Organization.Kind.LEGISLATIVE_OFFICE,
            county=ref.counties["thurston"],
        )
        for n in range(1, 50)
    ]
    for name in profiles.FUNDERS:
        add(name=name, kind=Organization.Kind.FUNDER, county=ref.counties["king"])
    for code in ("YAKAMA", "TULALIP", "PUYALLUP", "MUCKLESHOOT", "LUMMI"):
        group = ref.groups.get(code)
        if group:
            add(name=group.name, kind=Organization.Kind.TRIBAL_GOVERNMENT)
    _bulk(Organization, rows)
    districts = [o for orgs in districts_by_county.values() for o in orgs]
    return _Orgs(
        districts_by_county,
        community,
        agencies,
        legislative,
        districts + agencies + legislative,
    )


def _programs_and_topics() -> tuple[list[Program], list[Topic]]:
    programs = [
        Program.objects.get_or_create(name=name, defaults={"description": text})[0]
        for name, text in profiles.PROGRAMS
    ]
    topics = [
        Topic.objects.get_or_create(name=name, kind=Topic.Kind.POLICY_AREA)[0]
        for name in profiles.POLICY_AREAS
    ]
    topics += [
        Topic.objects.get_or_create(
            name=title,
            kind=Topic.Kind.BILL,
            legislative_session="2027",
            defaults={"bill_number": number},
        )[0]
        for number, title in profiles.BILLS
    ]
    topics += [
        Topic.objects.get_or_create(name=name, kind=Topic.Kind.THEME)[0]
        for name in profiles.THEMES
    ]
    return programs, topics


@dataclass
class _People:
    first_id: int
    count: int
    county_of: list[int]
    # Activity weight per person: a minority does most of the engaging.
    activity: Weighted


def _through_rows(
    model: type[models.Model], pairs: Iterator[tuple[int, int]], left: str, right: str
) -> int:
    return _raw_insert(model, ({left: a, right: b} for a, b in pairs))


def _people(
    rng: random.Random,
    ref: _Reference,
    orgs: _Orgs,
    organizers: list[User],
    count: int,
    today: date,
) -> _People:
    first_id = _next_id(Contact)
    profile_pick = Weighted(profiles.PROFILES, [p.weight for p in profiles.PROFILES])
    status_pick = Weighted(
        [
            Contact.SelfIdStatus.REPORTED,
            Contact.SelfIdStatus.DECLINED,
            Contact.SelfIdStatus.NOT_ASKED,
            Contact.SelfIdStatus.UNTRACKED,
        ],
        [62, 8, 10, 20],
    )
    role_pick = Weighted(
        ["parent", "student", "youth", "educator", "community_leader", "school_staff"],
        [55, 12, 10, 10, 8, 5],
    )
    language_picks = {
        id(p): Weighted(
            [ref.languages[c] for c, _ in p.languages if c in ref.languages],
            [w for c, w in p.languages if c in ref.languages],
        )
        for p in profiles.PROFILES
    }
    county_of: list[int] = []
    categories: list[tuple[int, int]] = []
    groups: list[tuple[int, int]] = []
    roles: list[tuple[int, int]] = []
    other_languages: list[tuple[int, int]] = []
    english = ref.languages["en"]
    start_day = today - timedelta(days=730)

    def rows() -> Iterator[dict[str, Any]]:
        for offset in range(count):
            pk = first_id + offset
            profile: profiles.Profile = profile_pick.pick(rng)
            county: County = ref.county_pick.pick(rng)
            county_of.append(county.pk)
            first = rng.choice(profile.first_names)
            last = rng.choice(profile.last_names)
            status = status_pick.pick(rng)
            language: Language = language_picks[id(profile)].pick(rng)
            if language.pk != english.pk and rng.random() < 0.5:
                other_languages.append((pk, english.pk))
            mask = 0
            if status == Contact.SelfIdStatus.REPORTED:
                chosen = [ref.categories[code].pk for code in profile.categories]
                categories.extend((pk, category) for category in chosen)
                mask = race_mask(chosen)
                if profile.groups and rng.random() < 0.7:
                    group = ref.groups.get(rng.choice(profile.groups))
                    if group:
                        groups.append((pk, group.pk))
            roles.append((pk, ref.roles[role_pick.pick(rng)].pk))
            districts: list[Organization | None] = list(
                orgs.districts_by_county.get(county.pk, [])
            ) or [None]
            lds = COUNTY_LEGISLATIVE_DISTRICTS.get(county.code) or (None,)
            zips = ZIP3_BY_COUNTY.get(county.code) or ("98000",)
            has_email = rng.random() < 0.7
            has_phone = rng.random() < 0.85 or not has_email
            added = start_day + timedelta(days=rng.randrange(730))
            yield {
                "id": pk,
                "first_name": first,
                "last_name": last,
                "email": f"{_ascii(first)}.{_ascii(last)}.{pk}@example.org".lower()
                if has_email
                else "",
                "phone": f"+1{rng.choice(('206', '253', '360', '425', '509'))}555"
                f"{pk % 10000:04d}"
                if has_phone
                else "",
                "zip_code": rng.choice(zips),
                "city": "",
                "county_id": county.pk,
                "legislative_district": rng.choice(lds),
                "school_district_id": _pk(rng.choice(districts)),
                "preferred_language_id": language.pk,
                "interpretation_needed": language.pk != english.pk
                and rng.random() < 0.6,
                "owner_id": rng.choice(organizers).pk if rng.random() < 0.4 else None,
                "birth_year": rng.randrange(1950, 2010) if rng.random() < 0.3 else None,
                "consent_email": has_email and rng.random() < 0.7,
                "consent_sms": has_phone and rng.random() < 0.6,
                "consent_phone": has_phone and rng.random() < 0.5,
                "consent_date": added,
                "consent_source": Contact.ConsentSource.PAPER,
                "race_ethnicity_status": status,
                "self_id_source": Contact.SelfIdSource.SELF_SIGN_IN
                if status == Contact.SelfIdStatus.REPORTED
                else "",
                "self_id_date": added
                if status == Contact.SelfIdStatus.REPORTED
                else None,
                "archived_at": _aware(added, 12) if rng.random() < 0.01 else None,
                # Written with the person, so that the links' triggers, which
                # keep the mask, find it already right and write nothing.
                RACE_MASK_COLUMN: mask,
            }

    _raw_insert(Contact, rows(), extra=[RACE_MASK_COLUMN])
    _through_rows(
        Contact.race_categories.through,
        iter(categories),
        "contact_id",
        "raceethnicitycategory_id",
    )
    _through_rows(
        Contact.race_groups.through, iter(groups), "contact_id", "raceethnicitygroup_id"
    )
    _through_rows(Contact.roles.through, iter(roles), "contact_id", "communityrole_id")
    _through_rows(
        Contact.other_languages.through,
        iter(other_languages),
        "contact_id",
        "language_id",
    )
    _legislators(rng, ref, orgs)
    # Zipf-like weights: person k (in a shuffled order) has weight 1/(k+1)^0.8,
    # flattened for the busiest HEAVY_USERS people, so that at a million people
    # the most active attend a few hundred events, not tens of thousands.
    order = list(range(count))
    rng.shuffle(order)
    weights = [0.0] * count
    for rank, index in enumerate(order):
        weights[index] = 1.0 / (max(rank, HEAVY_USERS) + 1) ** 0.8
    return _People(
        first_id, count, county_of, Weighted(range(first_id, first_id + count), weights)
    )


def _pk(obj: models.Model | None) -> int | None:
    return None if obj is None else int(obj.pk)


def _ascii(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded if ch.isalnum()) or "person"


def _legislators(rng: random.Random, ref: _Reference, orgs: _Orgs) -> None:
    next_id = _next_id(Contact)
    people: list[Contact] = []
    affiliations: list[Affiliation] = []
    roles: list[tuple[int, int]] = []
    first_names = ("Alex", "Jordan", "Sam", "Taylor", "Morgan", "Casey", "Jamie")
    last_names = ("Rivera", "Chen", "Okafor", "Larsen", "Nakamura", "Begay", "Ortiz")
    aff_id = _next_id(Affiliation)
    for district, office in enumerate(orgs.legislative, start=1):
        for seat, title in enumerate(("Senator", "Representative", "Legislative aide")):
            contact = Contact(
                pk=next_id,
                first_name=rng.choice(first_names),
                last_name=rng.choice(last_names),
                email=f"ld{district}.{seat}@leg.example.org",
                legislative_district=district,
                county=ref.counties["thurston"],
            )
            people.append(contact)
            role = "legislative_staff" if seat == 2 else "legislator"
            roles.append((next_id, ref.roles[role].pk))
            affiliations.append(
                Affiliation(
                    pk=aff_id,
                    contact_id=next_id,
                    organization=office,
                    title=title,
                    start_date=date(2025, 1, 13),
                )
            )
            next_id += 1
            aff_id += 1
    _bulk(Contact, people)
    _bulk(Affiliation, affiliations)
    _through_rows(Contact.roles.through, iter(roles), "contact_id", "communityrole_id")


_EVENT_NAMES = {
    Event.Kind.COMMUNITY_MEETING: "Community meeting: {topic}",
    Event.Kind.LISTENING_SESSION: "Listening session: {topic}",
    Event.Kind.TRAINING: "Parent leadership training: {topic}",
    Event.Kind.TA_SESSION: "Technical assistance: {org}",
    Event.Kind.LEGISLATIVE_MEETING: "Meeting with {org}",
    Event.Kind.HEARING: "Hearing testimony: {topic}",
    Event.Kind.COALITION_MEETING: "Coalition partners meeting",
    Event.Kind.RALLY: "Education equity lobby day",
}
_KIND_WEIGHTS = {
    Event.Kind.COMMUNITY_MEETING: 30,
    Event.Kind.LISTENING_SESSION: 15,
    Event.Kind.TRAINING: 15,
    Event.Kind.TA_SESSION: 15,
    Event.Kind.LEGISLATIVE_MEETING: 8,
    Event.Kind.HEARING: 5,
    Event.Kind.COALITION_MEETING: 8,
    Event.Kind.RALLY: 4,
}


def _events(
    rng: random.Random,
    ref: _Reference,
    orgs: _Orgs,
    organizers: list[User],
    programs: list[Program],
    topics: list[Topic],
    contacts: int,
    today: date,
) -> list[Event]:
    total = max(len(_KIND_WEIGHTS) * 3, min(contacts // 40, 40000))
    kind_pick = Weighted(list(_KIND_WEIGHTS), list(_KIND_WEIGHTS.values()))
    policy = [t for t in topics if t.kind != Topic.Kind.THEME]
    first_id = _next_id(Event)
    events: list[Event] = []
    kinds = list(_KIND_WEIGHTS)
    for index in range(total):
        kind = kinds[index] if index < len(kinds) else kind_pick.pick(rng)
        if index == 0:
            # One event happening now, so check-in and self sign-in can be tried.
            day = today
        elif index < len(kinds) + 4:
            day = today + timedelta(days=rng.randrange(1, 60))
        else:
            day = today - timedelta(days=rng.randrange(1, 730))
        start_hour = 0 if index == 0 else rng.choice((10, 13, 17, 18))
        starts = (
            timezone.now()
            .astimezone(PACIFIC)
            .replace(minute=0, second=0, microsecond=0)
            if index == 0
            else _aware(day, start_hour)
        )
        topic = rng.choice(policy)
        org = rng.choice(orgs.all_ta_targets)
        past = starts.date() < today
        county = ref.county_pick.pick(rng)
        events.append(
            Event(
                pk=first_id + index,
                name=_EVENT_NAMES[kind].format(topic=topic.name, org=org.name),
                kind=kind,
                status=Event.Status.COMPLETED if past else Event.Status.SCHEDULED,
                program=rng.choice(programs),
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                venue="Community center"
                if kind != Event.Kind.HEARING
                else "John A. Cherberg Building",
                county=county,
                is_virtual=rng.random() < 0.15,
                childcare_provided=rng.random() < 0.5,
                food_provided=rng.random() < 0.7,
                transport_provided=rng.random() < 0.2,
                ta_hours=rng.choice((1, 2, 3, 4, 6))
                if kind == Event.Kind.TA_SESSION
                else None,
                summary=rng.choice(profiles.COMMENTS)
                if kind == Event.Kind.LISTENING_SESSION and past
                else "",
            )
        )
    _bulk(Event, events)
    through_rows: dict[Any, list[tuple[int, int]]] = {
        Event.organizers.through: [],
        Event.topics.through: [],
        Event.languages_offered.through: [],
        Event.ta_recipients.through: [],
        Event.focus_communities.through: [],
        Event.host_organizations.through: [],
    }
    spanish, english = ref.languages["es"], ref.languages["en"]
    category_ids = [c.pk for c in ref.categories.values()]
    for event in events:
        through_rows[Event.organizers.through].append(
            (event.pk, rng.choice(organizers).pk)
        )
        through_rows[Event.topics.through].append((event.pk, rng.choice(policy).pk))
        through_rows[Event.languages_offered.through].append((event.pk, english.pk))
        if rng.random() < 0.6:
            through_rows[Event.languages_offered.through].append((event.pk, spanish.pk))
        if event.kind == Event.Kind.TA_SESSION:
            through_rows[Event.ta_recipients.through].append(
                (event.pk, rng.choice(orgs.all_ta_targets).pk)
            )
        if rng.random() < 0.5:
            through_rows[Event.focus_communities.through].append(
                (event.pk, rng.choice(category_ids))
            )
        if rng.random() < 0.4:
            through_rows[Event.host_organizations.through].append(
                (event.pk, rng.choice(orgs.community).pk)
            )
    right_names = {
        Event.organizers.through: "user_id",
        Event.topics.through: "topic_id",
        Event.languages_offered.through: "language_id",
        Event.ta_recipients.through: "organization_id",
        Event.focus_communities.through: "raceethnicitycategory_id",
        Event.host_organizations.through: "organization_id",
    }
    for through, pairs in through_rows.items():
        _through_rows(through, iter(pairs), "event_id", right_names[through])
    return events


def _engagement(
    rng: random.Random,
    people: _People,
    events: list[Event],
    organizers: list[User],
    programs: list[Program],
    topics: list[Topic],
    ref: _Reference,
    today: date,
    *,
    per_contact: float,
) -> dict[str, int]:
    now = timezone.now()
    past_events = [e for e in events if e.starts_at <= now]
    counts: dict[str, int] = {}
    # Engagement records per person: 60 % attendance, 40 % outreach.
    attendance_target = int(people.count * per_contact * 0.6)
    outreach_target = int(people.count * per_contact * 0.4)
    role_pick = Weighted(
        list(Attendance.Role),
        [88, 3, 3, 1, 2, 2, 1],
    )
    seen: set[tuple[int, int]] = set()

    first_attendance_id = _next_id(Attendance)
    first_outreach_id = _next_id(Outreach)

    # The generators must not query: on PostgreSQL they feed a COPY in progress.
    def attendance_rows() -> Iterator[dict[str, Any]]:
        pk = first_attendance_id
        if not past_events:
            return
        produced = 0
        tries = 0
        while produced < attendance_target and tries < attendance_target * 3:
            tries += 1
            event = rng.choice(past_events)
            contact_id = people.activity.pick(rng)
            key = (event.pk, contact_id)
            if key in seen:
                continue
            seen.add(key)
            status = (
                Attendance.Status.ATTENDED
                if rng.random() < 0.9
                else (Attendance.Status.NO_SHOW)
            )
            yield {
                "id": pk,
                "event_id": event.pk,
                "contact_id": contact_id,
                "status": status,
                "role": role_pick.pick(rng),
                "checked_in_at": event.starts_at
                + timedelta(minutes=rng.randrange(0, 40))
                if status == Attendance.Status.ATTENDED
                else None,
                "source": rng.choice(list(Attendance.Source)[:3]),
            }
            pk += 1
            produced += 1

    counts["attendance"] = _raw_insert(Attendance, attendance_rows())
    seen.clear()
    outcome_pick = Weighted(list(Outreach.Outcome), [45, 20, 20, 5, 8, 2])
    channel_pick = Weighted(list(Outreach.Channel), [40, 25, 10, 10, 12, 3])
    purpose_pick = Weighted(list(Outreach.Purpose), [35, 20, 20, 10, 10, 5])
    span = 730 * 24 * 60

    def outreach_rows() -> Iterator[dict[str, Any]]:
        pk = first_outreach_id
        for _ in range(outreach_target):
            yield {
                "id": pk,
                "contact_id": people.activity.pick(rng),
                "organizer_id": rng.choice(organizers).pk,
                "occurred_at": now - timedelta(minutes=rng.randrange(span)),
                "channel": channel_pick.pick(rng),
                "purpose": purpose_pick.pick(rng),
                "outcome": outcome_pick.pick(rng),
                "program_id": rng.choice(programs).pk,
            }
            pk += 1

    counts["outreach"] = _raw_insert(Outreach, outreach_rows())
    counts["follow_ups"] = _follow_ups(rng, people, organizers, today)
    counts["comments"] = _comments(rng, people, events, topics, ref)
    return counts


def _follow_ups(
    rng: random.Random, people: _People, organizers: list[User], today: date
) -> int:
    pk = _next_id(FollowUp)
    titles = (
        "Call back about the meeting",
        "Send interpretation info",
        "Invite to the listening session",
        "Share the bill summary",
        "Check in after the IEP meeting",
    )
    rows: list[FollowUp] = []
    total = max(40, min(people.count // 20, 50000))
    for index in range(total):
        due = today + timedelta(days=rng.randrange(-20, 30))
        done = due < today and rng.random() < 0.6
        rows.append(
            FollowUp(
                pk=pk + index,
                title=rng.choice(titles),
                assigned_to=organizers[index % len(organizers)],
                contact_id=people.activity.pick(rng),
                due_date=due,
                status=FollowUp.Status.DONE if done else FollowUp.Status.OPEN,
                completed_at=_aware(due, 15) if done else None,
            )
        )
    return _bulk(FollowUp, rows)


def _comments(
    rng: random.Random,
    people: _People,
    events: list[Event],
    topics: list[Topic],
    ref: _Reference,
) -> int:
    themes = [t for t in topics if t.kind == Topic.Kind.THEME]
    sessions = [
        e
        for e in events
        if e.kind == Event.Kind.LISTENING_SESSION and e.starts_at <= timezone.now()
    ]
    pk = _next_id(Comment)
    rows: list[Comment] = []
    theme_pairs: list[tuple[int, int]] = []
    languages = [
        ref.languages[c] for c in ("en", "es", "vi", "so") if c in ref.languages
    ]
    for event in sessions:
        for _ in range(rng.randrange(6, 20)):
            rows.append(
                Comment(
                    pk=pk,
                    event_id=event.pk,
                    text=rng.choice(profiles.COMMENTS),
                    language=rng.choice(languages),
                    contact_id=people.activity.pick(rng)
                    if rng.random() < 0.6
                    else None,
                )
            )
            for theme in rng.sample(themes, k=rng.randrange(1, 3)):
                theme_pairs.append((pk, theme.pk))
            pk += 1
    count = _bulk(Comment, rows)
    _through_rows(Comment.themes.through, iter(theme_pairs), "comment_id", "topic_id")
    return count
