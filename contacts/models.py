"""People, organizations and how people identify themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, cast

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Chr, Concat, Ord, Upper
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.models import LEGISLATIVE_DISTRICT_VALIDATORS, County, Language

ZIP_VALIDATOR = RegexValidator(
    r"^\d{5}(-\d{4})?$", _("Enter a 5-digit ZIP code (or ZIP+4, like 98101-1234).")
)


class RaceEthnicityCategory(models.Model):
    """A minimum category of the 2024 federal standard (OMB SPD 15)."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort"]
        verbose_name = _("race/ethnicity category")
        verbose_name_plural = _("race/ethnicity categories")

    def __str__(self) -> str:
        return self.name


class RaceEthnicityGroup(models.Model):
    """A detailed group that rolls up to one minimum category (Hmong -> Asian)."""

    code = models.CharField(max_length=48, unique=True)
    name = models.CharField(max_length=120)
    category = models.ForeignKey(
        RaceEthnicityCategory, on_delete=models.PROTECT, related_name="groups"
    )
    cedars_code = models.CharField(
        "CEDARS code",
        max_length=16,
        blank=True,
        help_text="Code in Washington's student data system (CEDARS), where known.",
    )
    sort = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category__sort", "sort", "name"]
        verbose_name = _("race/ethnicity detailed group")

    def __str__(self) -> str:
        return self.name


class CommunityRole(models.Model):
    """A role a person plays: parent/guardian, student, educator, legislator..."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "name"]

    def __str__(self) -> str:
        return str(self.name)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active(self) -> OrganizationQuerySet:
        """Organizations that are not archived."""
        return self.filter(is_archived=False)

    def school_districts(self) -> OrganizationQuerySet:
        """Organizations that are school districts."""
        return self.filter(kind=Organization.Kind.SCHOOL_DISTRICT)


class Organization(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community-based organization")
        SCHOOL_DISTRICT = "school_district", _("School district")
        SCHOOL = "school", _("School")
        STATE_AGENCY = "state_agency", _("State agency")
        LEGISLATIVE_OFFICE = "legislative_office", _("Legislative office")
        TRIBAL_GOVERNMENT = "tribal_government", _("Tribal government")
        HIGHER_EDUCATION = "higher_education", _("Higher education")
        BUSINESS = "business", _("Business")
        FAITH = "faith", _("Faith organization")
        FUNDER = "funder", _("Funder")
        LOCAL_GOVERNMENT = "local_government", _("Local government")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_coalition_partner = models.BooleanField(_("coalition partner"), default=False)
    ospi_code = models.CharField(
        _("OSPI district code"), max_length=16, blank=True, db_index=True
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("archive_organization", "Can archive and restore organizations")
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contacts:organization-detail", args=[self.pk])


# How a query reaches people through a many-to-many field: see linked().
Links = Literal["exists", "in", "join"]

# People in the list by default: neither archived nor merged into someone else.
ACTIVE = Q(archived_at__isnull=True, merged_into__isnull=True)
_STATE = ("archived_at", "merged_into")


class Folded(Func):
    """The text upper-cased and compared code point by code point, whatever the
    database's collation: PostgreSQL's "C" collation, SQLite's default (BINARY).

    A range [prefix, next prefix) of it then holds exactly the values starting
    with the prefix, and an index on it serves that range on both databases.
    """

    function = "UPPER"
    template = '(%(function)s(%(expressions)s) COLLATE "C")'
    output_field = models.CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="%(function)s(%(expressions)s)"
        )


class RaceMask(models.Expression):
    """A person's race/ethnicity categories as one number, the bit 1 << id set
    for each category linked (ids 1 to 62; RACE_MASK_IDS). The database keeps
    it from the links itself: triggers on the link table (migration 0009)
    recompute a person's mask whenever one of their links is added, removed or
    moved, whatever wrote it (forms, API, imports, merges, erasures, raw SQL).

    The people list filters by a category while walking an index of the
    people with one, by name, which also holds the mask (Contact.Meta.indexes):
    probing every passed person's links instead took most of the page at a
    million people, where 48,000 are passed before the first page of a common
    category.

    It is a column Django does not know, not a model field: no save of a
    stale instance can write an old mask back, and the person's forms,
    history, API, imports, exports and access report never show it. It reads
    the column of the query's own table, so it is for querysets of people.
    """

    output_field = models.BigIntegerField()

    def __repr__(self) -> str:
        return "RaceMask()"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        column = connection.ops.quote_name(RACE_MASK_COLUMN)
        query = compiler.query
        if query.model is not None and query.model._meta.label != "contacts.Contact":
            raise TypeError("RaceMask reads people: use it in a query of Contact.")
        if not query.alias_cols:  # an index's definition: the bare column
            return column, ()
        alias = query.get_initial_alias()
        return f"{compiler.quote_name(alias)}.{column}", ()


RACE_MASK_COLUMN = "race_mask"
# The category ids with a bit in a signed 64-bit number.
RACE_MASK_IDS = range(1, 63)


def race_mask(category_ids: Iterable[int]) -> int:
    """The mask of these categories, as the triggers compute it."""
    mask = 0
    for pk in category_ids:
        if pk in RACE_MASK_IDS:
            mask |= 1 << pk
    return mask


# Anyone with a category: the condition of the index the category filter reads.
HAS_RACE_MASK = GreaterThan(RaceMask(), 0)


def has_race_category(category_id: int) -> Q:
    """The person is linked to the category (one of RACE_MASK_IDS). Also says
    HAS_RACE_MASK, the condition of the index that serves it, in so many
    words: databases match an index's condition by its terms."""
    if category_id not in RACE_MASK_IDS:
        raise ValueError(f"Category {category_id} has no bit in the mask.")
    return Q(HAS_RACE_MASK) & Q(GreaterThan(RaceMask().bitand(1 << category_id), 0))


def folded(field: str) -> Folded:
    """The field upper-cased for case-insensitive prefix search (indexed)."""
    return Folded(field)


def starts_with(field: str, text: str) -> Q:
    """The field starts with the text, ignoring case: `istartswith`, plus a range
    on the upper-cased field that its index serves (a LIKE on a folded column
    uses no index on SQLite, nor on PostgreSQL without a pattern operator class).

    The range is computed by the database from the same UPPER() as the LIKE, so
    it holds every row the LIKE matches; the LIKE keeps the result exact.
    """
    query = Q(**{f"{field}__istartswith": text})
    if not text or ord(text[-1]) in _NO_NEXT_CHARACTER:
        return query
    return _folded_range(field, text) & query


def _folded_range(field: str, text: str) -> Q:
    """The folded field from UPPER(text) up to the next prefix: every value
    starting with the text, ignoring case, and (see ascii_starts_with) for some
    texts nothing else."""
    lowest = Upper(Value(text))
    # Every value starting with UPPER(text) sorts before UPPER(text) with its
    # last character's upper case (its first character) moved one code point on.
    beyond = Concat(
        Upper(Value(text[:-1])),
        Chr(Ord(Upper(Value(text[-1]))) + 1),
        output_field=models.CharField(),
    )
    return Q(GreaterThanOrEqual(folded(field), lowest)) & Q(
        LessThan(folded(field), beyond)
    )


def ascii_starts_with(field: str, word: str) -> Q | None:
    """starts_with for a word of printable ASCII, as the range alone, or None for
    any other word.

    For such a word both databases upper-case each character to one character
    (A-Z), so the range on the folded field holds exactly the values the LIKE
    would match, and an index holding the folded field answers it alone.
    """
    if not word or not word.isascii() or not word.isprintable() or " " in word:
        return None
    return _folded_range(field, word)


# Characters with no next code point PostgreSQL's CHR() accepts (surrogates
# follow U+D7FF): a prefix ending in one is matched by LIKE alone.
_NO_NEXT_CHARACTER = {0xD7FF, 0x10FFFF}


class ContactQuerySet(models.QuerySet["Contact"]):
    def active(self) -> ContactQuerySet:
        """People who are neither archived nor merged into someone else."""
        return self.filter(ACTIVE)

    def archived(self) -> ContactQuerySet:
        """People archived (not merged)."""
        return self.filter(archived_at__isnull=False, merged_into__isnull=True)

    def in_county(self, county: County | int) -> ContactQuerySet:
        """People whose county is the given one."""
        return self.filter(county=county)

    def with_list_related(self) -> ContactQuerySet:
        """What the contact list shows, fetched in a fixed number of queries."""
        return self.select_related("county", "preferred_language", "owner")

    def search(self, text: str) -> ContactQuerySet:
        """Match names, email or phone (digits) against free text."""
        from contacts.normalize import phone_search_digits

        # PostgreSQL refuses NUL characters in text; nobody types one on purpose.
        text = text.replace("\x00", "").strip()
        if not text:
            return self
        query = Q()
        for word in text.split()[:5]:
            query &= (
                starts_with("first_name", word)
                | starts_with("last_name", word)
                | starts_with("preferred_name", word)
            )
        if "@" in text:
            query |= starts_with("email", text.lower())
        digits = phone_search_digits(text)
        if digits:
            query |= Q(phone__contains=digits)
        return self.filter(query)

    def links(self, field: str, value: models.Model) -> QuerySet[Any]:
        """The rows linking people to the value through a many-to-many field."""
        m2m = cast(models.ManyToManyField, Contact._meta.get_field(field))  # type: ignore[type-arg]
        through: Any = m2m.remote_field.through
        return through.objects.filter(  # type: ignore[no-any-return]
            **{m2m.m2m_reverse_field_name(): value}
        ).order_by()

    def linked(
        self, field: str, value: models.Model, *, how: Links = "exists"
    ) -> ContactQuerySet:
        """People linked to the value through a many-to-many field, without the
        join repeating anyone. `how` picks the query's shape, not its result:
        "exists" (a probe per person, for walking people in the list's order;
        for a race/ethnicity category, a test of the person's RaceMask), "in"
        (from the value's links to their people) or "join" (either way round,
        as the database sees fit)."""
        if how == "join":
            # One link row per person and value: the join repeats no one.
            return self.filter(**{field: value})
        m2m = cast(models.ManyToManyField, Contact._meta.get_field(field))  # type: ignore[type-arg]
        person = f"{m2m.m2m_field_name()}_id"
        links = self.links(field, value)
        if how == "in":
            return self.filter(pk__in=links.values(person))
        if field == "race_categories" and value.pk in RACE_MASK_IDS:
            # The same people, told from the mask kept beside each person.
            return self.filter(has_race_category(value.pk))
        return self.filter(Exists(links.filter(**{person: OuterRef("pk")})))


class Contact(models.Model):
    """A person the coalition knows."""

    class SelfIdStatus(models.TextChoices):
        UNTRACKED = "untracked", _("Not yet tracked")
        NOT_ASKED = "not_asked", _("Not asked")
        DECLINED = "declined", _("Prefer not to say")
        REPORTED = "reported", _("Reported")

    class SelfIdSource(models.TextChoices):
        SELF_SIGN_IN = "self_sign_in", _("Self sign-in form")
        STAFF = "staff", _("Told to staff")
        SURVEY = "survey", _("Survey")
        IMPORT = "import", _("Imported list")

    class ConsentSource(models.TextChoices):
        SELF_SIGN_IN = "self_sign_in", _("Self sign-in form")
        VERBAL = "verbal", _("Verbal, recorded by staff")
        PAPER = "paper", _("Paper sign-in sheet")
        WEB_FORM = "web_form", _("Web form")
        IMPORT = "import", _("Imported list")

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", _("Under 18")
        AGE_18_24 = "18_24", _("18-24")
        AGE_25_34 = "25_34", _("25-34")
        AGE_35_44 = "35_44", _("35-44")
        AGE_45_54 = "45_54", _("45-54")
        AGE_55_64 = "55_64", _("55-64")
        AGE_65_PLUS = "65_plus", _("65 or older")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, db_index=True, help_text=_("E.164")
    )
    street_address = models.CharField(_("street address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=2, default="WA", blank=True)
    zip_code = models.CharField(
        _("ZIP code"), max_length=10, blank=True, validators=[ZIP_VALIDATOR]
    )
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    legislative_district = models.PositiveSmallIntegerField(
        _("legislative district"),
        null=True,
        blank=True,
        validators=LEGISLATIVE_DISTRICT_VALIDATORS,
    )
    school_district = models.ForeignKey(
        Organization,
        verbose_name=_("school district"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
        limit_choices_to={"kind": Organization.Kind.SCHOOL_DISTRICT},
    )
    preferred_language = models.ForeignKey(
        Language,
        verbose_name=_("preferred language"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    other_languages = models.ManyToManyField(
        Language, verbose_name=_("other languages"), blank=True, related_name="+"
    )
    interpretation_needed = models.BooleanField(
        _("needs interpretation"), default=False
    )
    roles = models.ManyToManyField(
        CommunityRole, verbose_name=_("roles"), blank=True, related_name="contacts"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_contacts",
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("tags"), blank=True, related_name="contacts"
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )

    # Communication consent: what the person agreed to, when, and how we know.
    consent_email = models.BooleanField(_("may email"), default=False)
    consent_sms = models.BooleanField(_("may text"), default=False)
    consent_phone = models.BooleanField(_("may call"), default=False)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    consent_source = models.CharField(
        _("consent source"), max_length=16, choices=ConsentSource.choices, blank=True
    )

    # Self-identification: only as the person reported it (never inferred).
    race_ethnicity_status = models.CharField(
        _("race/ethnicity"),
        max_length=16,
        choices=SelfIdStatus.choices,
        default=SelfIdStatus.UNTRACKED,
        db_index=True,
    )
    race_categories = models.ManyToManyField(
        RaceEthnicityCategory,
        verbose_name=_("race/ethnicity categories"),
        blank=True,
        related_name="contacts",
    )
    race_groups = models.ManyToManyField(
        RaceEthnicityGroup,
        verbose_name=_("detailed groups"),
        blank=True,
        related_name="contacts",
    )
    race_write_in = models.CharField(
        _("race/ethnicity in their own words"), max_length=200, blank=True
    )
    self_id_source = models.CharField(
        _("self-identification source"),
        max_length=16,
        choices=SelfIdSource.choices,
        blank=True,
    )
    self_id_date = models.DateField(
        _("self-identification date"), null=True, blank=True
    )
    gender = models.CharField(_("gender"), max_length=60, blank=True)
    age_band = models.CharField(
        _("age band"), max_length=10, choices=AgeBand.choices, blank=True
    )

    notes = models.TextField(_("notes"), blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        # Indexed where set only (Meta.indexes): an index over the NULLs would
        # look selective to SQLite for "merged_into_id IS NULL".
        db_index=False,
    )
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Bumped on every save; a form posts the version it read, so a stale save
    # is refused.
    version = models.PositiveIntegerField(default=1)

    objects = ContactQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[race_categories, race_groups, tags, roles, other_languages],
        excluded_fields=["updated_at"],
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        permissions = [("archive_contact", "Can archive and restore people")]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"]),
            models.Index(fields=["first_name"]),
            models.Index(fields=["zip_code"]),
            models.Index(fields=["county", "last_name"]),
            models.Index(fields=["legislative_district"]),
            # The people list: each sort and column filter of the active people
            # (the default state) in the list's order, so a page is read from
            # the index in order, and a count up to a limit stops early.
            # Partial, because no index may lead with archived_at or
            # merged_into_id for IS NULL: SQLite, without statistics, takes
            # such an index for a selective one and sorts every active person.
            # Both columns also close each key: SQLite reads an index without
            # the table only when it holds every column the query names,
            # those of the index's own condition included.
            models.Index(
                fields=["last_name", "first_name", "id", *_STATE],
                condition=ACTIVE,
                name="contact_active_name_idx",
            ),
            # The people with a race/ethnicity category, by name, with the
            # mask: the list filtered by a category walks it alone (see
            # RaceMask). Apart from the index above, which then stays small
            # for the walks to deep pages.
            models.Index(
                F("last_name"),
                F("first_name"),
                F("id"),
                *[F(name) for name in _STATE],
                RaceMask(),
                condition=ACTIVE & Q(HAS_RACE_MASK),
                name="contact_active_race_idx",
            ),
            models.Index(
                fields=["created_at", "id", *_STATE],
                condition=ACTIVE,
                name="contact_active_created_idx",
            ),
            *[
                models.Index(
                    fields=[column, "last_name", "first_name", "id", *_STATE],
                    condition=ACTIVE,
                    name=f"contact_active_{label}_idx",
                )
                for column, label in (
                    ("county", "county"),
                    ("legislative_district", "district"),
                    ("owner", "owner"),
                    ("preferred_language", "language"),
                )
            ],
            # Archived people, by name (and anyone archived, for reports).
            models.Index(
                fields=["last_name", "first_name", "id", *_STATE],
                condition=Q(archived_at__isnull=False),
                name="contact_archived_name_idx",
            ),
            # Everyone archived or merged: whom reports leave out. SQLite uses
            # no index for an OR of IS NOT NULL terms but this one, whose
            # condition is that OR.
            models.Index(
                fields=list(_STATE),
                condition=Q(archived_at__isnull=False) | Q(merged_into__isnull=False),
                name="contact_not_active_idx",
            ),
            # Who was merged into someone (replaces the foreign key's index).
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="contact_merged_into_idx",
            ),
            # Search: case-insensitive prefixes (see starts_with).
            models.Index(folded("last_name"), name="contact_last_name_fold_idx"),
            models.Index(folded("first_name"), name="contact_first_name_fold_idx"),
            models.Index(folded("preferred_name"), name="contact_preferred_fold_idx"),
            models.Index(folded("email"), name="contact_email_fold_idx"),
            # A search by one word alone (ContactFilter.name_search): one
            # branch per name column, read on PostgreSQL from its index alone
            # (the list's sort keys and the id are in it), then united and
            # sorted: a name shared by tens of thousands of people is ordered
            # without reading their rows.
            *[
                models.Index(
                    folded(column),
                    F("last_name"),
                    F("first_name"),
                    F("id"),
                    *[F(name) for name in _STATE],
                    condition=ACTIVE,
                    name=f"contact_active_{label}_fold",
                )
                for column, label in (
                    ("last_name", "last"),
                    ("first_name", "first"),
                    ("preferred_name", "prefer"),
                )
            ],
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(legislative_district__isnull=True)
                | Q(legislative_district__gte=1, legislative_district__lte=49),
                name="contact_legislative_district_range",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("contacts:contact-detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}".strip()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Affiliation(models.Model):
    """A person's role at an organization, over a period."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="affiliations"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="affiliations"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "organization__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="affiliation_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} - {self.organization}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Relationship(models.Model):
    """A tie between two people: `from_contact` is <kind> `to_contact`."""

    class Kind(models.TextChoices):
        PARENT_OF = "parent_of", _("Parent of")
        GUARDIAN_OF = "guardian_of", _("Guardian of")
        CAREGIVER_OF = "caregiver_of", _("Caregiver of")
        SPOUSE_OF = "spouse_of", _("Spouse or partner of")
        SIBLING_OF = "sibling_of", _("Sibling of")
        HOUSEHOLD = "household", _("Same household as")
        STAFF_OF = "staff_of", _("Staff of")
        MENTOR_OF = "mentor_of", _("Mentor of")

    from_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="relationships_from"
    )
    to_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="relationships_to"
    )
    kind = models.CharField(_("relationship"), max_length=16, choices=Kind.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_contact", "to_contact", "kind"],
                name="unique_relationship",
            ),
            models.CheckConstraint(
                condition=~Q(from_contact=models.F("to_contact")),
                name="relationship_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_contact} {self.get_kind_display()} {self.to_contact}"


# --------------------------------------------------------------------------
# Spreadsheet imports, duplicate review and merges.


class ColumnMapping(models.Model):
    """A saved mapping from spreadsheet headers to fields, reusable by name."""

    class Kind(models.TextChoices):
        CONTACTS = "contacts", _("People")
        ATTENDANCE = "attendance", _("Event attendance")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # {normalised header: field name}
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name"], name="unique_column_mapping_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def recent(self) -> ImportBatchQuerySet:
        """Latest batches first, with who made them."""
        return self.select_related("created_by").order_by("-created_at")


class ImportBatch(models.Model):
    """One uploaded file: previewed, then committed all-or-nothing, undoable."""

    class Kind(models.TextChoices):
        CONTACTS = "contacts", _("People")
        ATTENDANCE = "attendance", _("Event attendance")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PREVIEWING = "previewing", _("Checking rows")
        PREVIEWED = "previewed", _("Ready to import")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED
    )
    # The event an attendance import is for (events depend on contacts, not back).
    event_pk = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    # {header as written: field name or ""}
    mapping = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # {"create": n, "update": n, "skip": n, "error": n}
    counts = models.JSONField(default=dict, blank=True)
    # A file-level problem (not a spreadsheet, too large...), shown as is.
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("data:import-detail", args=[self.pk])

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PREVIEWING, self.Status.COMMITTING)

    @property
    def error_count(self) -> int:
        return int(self.counts.get("error", 0))


class ImportRow(models.Model):
    """What one row of an import would do (preview) or did (after commit)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        SKIP = "skip", _("Skip (duplicate)")
        ERROR = "error", _("Error")

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="rows"
    )
    row_number = models.PositiveIntegerField()
    action = models.CharField(max_length=8, choices=Action.choices)
    # Who the row is about, as written in the file (for the preview table).
    label = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The person's values before an update (restored by undo), and, for
    # attendance imports, the attendance row created.
    before = models.JSONField(default=dict, blank=True)
    created_contact = models.BooleanField(default=False)
    attendance_pk = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["batch", "action", "row_number"])]

    def __str__(self) -> str:
        return f"{self.batch} row {self.row_number}"


class DuplicateDismissal(models.Model):
    """Two people staff said are not the same person (lower id first)."""

    first = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"], name="unique_duplicate_dismissal"
            ),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")),
                name="duplicate_dismissal_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} / {self.second_id}"


class MergeRecord(models.Model):
    """The audit trail of a merge: who, when, what was chosen and moved."""

    kept = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    # {field: "kept" | "merged"} and both people's values before the merge.
    choices = models.JSONField(default=dict)
    kept_before = models.JSONField(default=dict)
    merged_before = models.JSONField(default=dict)
    # {"events.attendance.contact": n, ...}
    moved = models.JSONField(default=dict)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.kept_id}"
