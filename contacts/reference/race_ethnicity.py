"""Race and ethnicity categories for contacts, following the 2024 federal standard.

Source: OMB Statistical Policy Directive No. 15, "Standards for Maintaining,
Collecting, and Presenting Federal Data on Race and Ethnicity", revised
March 28, 2024 (89 FR 22182). The revision asks one combined "select all that
apply" question with seven minimum categories, in the order used here, and
recommends collecting detailed groups beneath each one. ``CATEGORIES`` holds
the seven minimum categories; ``DETAILED_GROUPS`` holds the detailed groups,
each rolling up to exactly one category.

Store every box a person ticks and derive single-category values only at
report time: the derivation below discards information that cannot be
recovered afterwards.

Single-category convention
--------------------------
OSPI (following the U.S. Department of Education's 2007 guidance) and most of
our funders still ask for each person to be counted once. They derive that
one value from the multi-select answer like this:

1. Anyone who selected Hispanic or Latino is reported as "Hispanic or Latino",
   whatever other categories they also chose ("Hispanic or Latino of any
   race").
2. Otherwise, anyone who selected exactly one category is reported in it.
3. Otherwise (two or more non-Hispanic categories) the person is reported as
   "Two or more races" (``TWO_OR_MORE_RACES``).

Until OSPI and funders adopt MENA as a reporting category, a person whose only
category is MENA is reported as White in those single-category reports, since
the 1997 standard placed Middle Eastern and North African origins under White.
Check each funder's instructions before relying on that mapping.

Detailed groups
---------------
* Every example group printed in SPD 15 (2024) for each category is included.
* American Indian groups add the 29 federally recognized tribes in Washington
  (checked against the washingtontribes.org list published by the Washington
  Indian Gaming Association), plus Indigenous peoples of Mexico and Guatemala
  whose families are a growing share of Washington students.
* Other additions reflect communities significant in Washington, including the
  Eastern European groups Washington law asks schools to disaggregate
  (RCW 28A.300.042, as amended by 4SHB 1541 in 2016).
* Placement of groups that SPD 15 does not name (for example Afghan, Armenian,
  Georgian, Turkish) follows the SPD 15 category definitions and the Census
  Bureau's detailed coding as best understood; each such case has a comment.

CEDARS codes
------------
OSPI's CEDARS Data Manual Appendix Y ("Ethnicity Codes") and Appendix Z
("Race Codes") list numeric codes for detailed groups. The appendix tables
could not be retrieved while writing this module, so every ``cedars_code`` is
"" (unverified) rather than guessed. Fill them from the current CEDARS
appendices before exporting to OSPI formats.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CATEGORIES",
    "DETAILED_GROUPS",
    "TWO_OR_MORE_RACES",
    "Category",
    "DetailedGroup",
]


@dataclass(frozen=True, slots=True)
class Category:
    """One of the seven SPD 15 (2024) minimum categories."""

    code: str
    name: str
    description: str  # SPD 15 definition, paraphrased


@dataclass(frozen=True, slots=True)
class DetailedGroup:
    """A detailed group that rolls up to exactly one minimum category."""

    code: str  # stable UPPER_SNAKE slug, e.g. "HMONG"; never reuse or rename
    name: str
    category: str  # Category.code this group rolls up to
    cedars_code: str  # OSPI CEDARS sub-category code; "" where not verified
    sort: int  # display order: category position * 1000 + position in category


# Label used by single-category reports; see the module docstring.
TWO_OR_MORE_RACES = "Two or more races"

# Order and wording follow SPD 15 (2024); the descriptions are paraphrases of
# its definitions, not quotations.
CATEGORIES: tuple[Category, ...] = (
    Category(
        "AIAN",
        "American Indian or Alaska Native",
        "People whose origins are in any of the original peoples of North, "
        "Central, or South America, for example the Navajo Nation, the "
        "Blackfeet Tribe, the Native Village of Barrow Inupiat Traditional "
        "Government, the Nome Eskimo Community, Aztec, and Maya.",
    ),
    Category(
        "ASIAN",
        "Asian",
        "People whose origins are in any of the original peoples of Central or "
        "East Asia, Southeast Asia, or South Asia, for example Chinese, Asian "
        "Indian, Filipino, Vietnamese, Korean, and Japanese.",
    ),
    Category(
        "BLACK",
        "Black or African American",
        "People whose origins are in any of the Black racial groups of Africa, "
        "for example African American, Jamaican, Haitian, Nigerian, Ethiopian, "
        "and Somali.",
    ),
    Category(
        "HISPANIC",
        "Hispanic or Latino",
        "People of Mexican, Puerto Rican, Salvadoran, Cuban, Dominican, "
        "Guatemalan, or other Central or South American or Spanish culture or "
        "origin, whatever their race.",
    ),
    Category(
        "MENA",
        "Middle Eastern or North African",
        "People whose origins are in any of the original peoples of the Middle "
        "East or North Africa, for example Lebanese, Iranian, Egyptian, Syrian, "
        "Iraqi, and Israeli.",
    ),
    Category(
        "NHPI",
        "Native Hawaiian or Pacific Islander",
        "People whose origins are in any of the original peoples of Hawaii, "
        "Guam, Samoa, or other Pacific Islands, for example Native Hawaiian, "
        "Samoan, Chamorro, Tongan, Fijian, and Marshallese.",
    ),
    Category(
        "WHITE",
        "White",
        "People whose origins are in any of the original peoples of Europe, "
        "for example English, German, Irish, Italian, Polish, and Scottish.",
    ),
)


# Per-category rows of (code, name). The SPD 15 (2024) examples come first in
# the order SPD 15 prints them, then Washington additions, then an "Other ..."
# catch-all so nobody is forced into a group that is not theirs.
_AIAN: tuple[tuple[str, str], ...] = (
    # SPD 15 (2024) examples.
    ("NAVAJO_NATION", "Navajo Nation"),
    (
        "BLACKFEET_TRIBE",
        "Blackfeet Tribe of the Blackfeet Indian Reservation of Montana",
    ),
    (
        "NATIVE_VILLAGE_OF_BARROW",
        "Native Village of Barrow Inupiat Traditional Government",
    ),
    ("NOME_ESKIMO_COMMUNITY", "Nome Eskimo Community"),
    ("AZTEC", "Aztec"),
    ("MAYA", "Maya"),
    # The 29 federally recognized tribes in Washington, alphabetical by the
    # short name in common use, with the tribe's own full name.
    ("CHEHALIS", "Confederated Tribes of the Chehalis Reservation"),
    ("COLVILLE", "Confederated Tribes of the Colville Reservation"),
    ("COWLITZ", "Cowlitz Indian Tribe"),
    ("HOH", "Hoh Indian Tribe"),
    ("JAMESTOWN_SKLALLAM", "Jamestown S'Klallam Tribe"),
    ("KALISPEL", "Kalispel Tribe of Indians"),
    ("LOWER_ELWHA_KLALLAM", "Lower Elwha Klallam Tribe"),
    ("LUMMI", "Lummi Nation"),
    ("MAKAH", "Makah Tribe"),
    ("MUCKLESHOOT", "Muckleshoot Indian Tribe"),
    ("NISQUALLY", "Nisqually Indian Tribe"),
    ("NOOKSACK", "Nooksack Indian Tribe"),
    ("PORT_GAMBLE_SKLALLAM", "Port Gamble S'Klallam Tribe"),
    ("PUYALLUP", "Puyallup Tribe of Indians"),
    ("QUILEUTE", "Quileute Tribe"),
    ("QUINAULT", "Quinault Indian Nation"),
    ("SAMISH", "Samish Indian Nation"),
    ("SAUK_SUIATTLE", "Sauk-Suiattle Indian Tribe"),
    ("SHOALWATER_BAY", "Shoalwater Bay Indian Tribe"),
    ("SKOKOMISH", "Skokomish Indian Tribe"),
    ("SNOQUALMIE", "Snoqualmie Indian Tribe"),
    ("SPOKANE", "Spokane Tribe of Indians"),
    ("SQUAXIN_ISLAND", "Squaxin Island Tribe"),
    ("STILLAGUAMISH", "Stillaguamish Tribe of Indians"),
    ("SUQUAMISH", "Suquamish Tribe"),
    ("SWINOMISH", "Swinomish Indian Tribal Community"),
    ("TULALIP", "Tulalip Tribes"),
    ("UPPER_SKAGIT", "Upper Skagit Indian Tribe"),
    ("YAKAMA", "Confederated Tribes and Bands of the Yakama Nation"),
    # Not federally recognized but a large Washington community.
    ("CHINOOK", "Chinook Indian Nation"),
    # Indigenous peoples of Mexico and Central America. SPD 15 places the
    # original peoples of Central and South America in AIAN, so these sit here;
    # people may also select Hispanic or Latino, and often do.
    ("MIXTEC", "Mixtec (Ñuu Savi)"),
    ("ZAPOTEC", "Zapotec"),
    ("TRIQUI", "Triqui"),
    ("PUREPECHA", "Purépecha"),
    ("MAM", "Mam"),
    ("OTHER_MEXICAN_INDIGENOUS", "Other Indigenous Mexican"),
    (
        "OTHER_CENTRAL_SOUTH_AMERICAN_INDIGENOUS",
        "Other Central or South American Indigenous",
    ),
    ("OTHER_AMERICAN_INDIAN", "Other American Indian"),
    ("OTHER_ALASKA_NATIVE", "Other Alaska Native"),
)

_ASIAN: tuple[tuple[str, str], ...] = (
    ("CHINESE", "Chinese"),
    ("ASIAN_INDIAN", "Asian Indian"),
    ("FILIPINO", "Filipino"),
    ("VIETNAMESE", "Vietnamese"),
    ("KOREAN", "Korean"),
    ("JAPANESE", "Japanese"),
    ("HMONG", "Hmong"),
    ("CAMBODIAN", "Cambodian"),
    ("LAOTIAN", "Laotian"),
    ("MIEN", "Mien"),
    ("THAI", "Thai"),
    ("BURMESE", "Burmese"),
    ("KAREN", "Karen"),
    ("NEPALI", "Nepali"),
    ("BHUTANESE", "Bhutanese"),
    ("PAKISTANI", "Pakistani"),
    ("BANGLADESHI", "Bangladeshi"),
    ("SRI_LANKAN", "Sri Lankan"),
    ("INDONESIAN", "Indonesian"),
    ("MALAYSIAN", "Malaysian"),
    ("SINGAPOREAN", "Singaporean"),
    ("TAIWANESE", "Taiwanese"),
    ("MONGOLIAN", "Mongolian"),
    ("TIBETAN", "Tibetan"),
    # SPD 15 (2024) does not list Afghan among its MENA examples and its Asian
    # definition covers Central and South Asia, where Afghanistan lies, so
    # Afghan is placed here. Afghan families may also select MENA.
    ("AFGHAN", "Afghan"),
    ("UZBEK", "Uzbek"),
    # Punjabi is deliberately absent: it is a language (see LANGUAGES in
    # crm.reference.wa), and Punjabi speakers identify as Asian Indian or
    # Pakistani.
    ("OTHER_ASIAN", "Other Asian"),
)

_BLACK: tuple[tuple[str, str], ...] = (
    ("AFRICAN_AMERICAN", "African American"),
    ("JAMAICAN", "Jamaican"),
    ("HAITIAN", "Haitian"),
    ("NIGERIAN", "Nigerian"),
    ("ETHIOPIAN", "Ethiopian"),
    ("SOMALI", "Somali"),
    ("ERITREAN", "Eritrean"),
    ("OROMO", "Oromo"),
    ("KENYAN", "Kenyan"),
    ("CONGOLESE", "Congolese"),
    ("SUDANESE", "Sudanese"),
    ("SOUTH_SUDANESE", "South Sudanese"),
    ("GHANAIAN", "Ghanaian"),
    ("LIBERIAN", "Liberian"),
    ("SIERRA_LEONEAN", "Sierra Leonean"),
    ("CAMEROONIAN", "Cameroonian"),
    ("BURUNDIAN", "Burundian"),
    ("RWANDAN", "Rwandan"),
    ("UGANDAN", "Ugandan"),
    ("AFRO_CARIBBEAN", "Afro-Caribbean"),
    ("OTHER_BLACK", "Other Black or African American"),
)

_HISPANIC: tuple[tuple[str, str], ...] = (
    ("MEXICAN", "Mexican"),
    ("PUERTO_RICAN", "Puerto Rican"),
    ("SALVADORAN", "Salvadoran"),
    ("CUBAN", "Cuban"),
    ("DOMINICAN", "Dominican"),
    ("GUATEMALAN", "Guatemalan"),
    ("HONDURAN", "Honduran"),
    ("NICARAGUAN", "Nicaraguan"),
    ("COSTA_RICAN", "Costa Rican"),
    ("PANAMANIAN", "Panamanian"),
    ("COLOMBIAN", "Colombian"),
    ("PERUVIAN", "Peruvian"),
    ("VENEZUELAN", "Venezuelan"),
    ("ECUADORIAN", "Ecuadorian"),
    ("ARGENTINIAN", "Argentinian"),
    ("CHILEAN", "Chilean"),
    ("BOLIVIAN", "Bolivian"),
    ("SPANIARD", "Spaniard"),
    # Brazilians are not listed: SPD 15 ties Hispanic or Latino to Spanish
    # culture or origin, and Brazil is Portuguese-speaking.
    ("OTHER_HISPANIC", "Other Hispanic or Latino"),
)

_MENA: tuple[tuple[str, str], ...] = (
    ("LEBANESE", "Lebanese"),
    ("IRANIAN", "Iranian"),
    ("EGYPTIAN", "Egyptian"),
    ("SYRIAN", "Syrian"),
    ("IRAQI", "Iraqi"),
    ("ISRAELI", "Israeli"),
    ("MOROCCAN", "Moroccan"),
    ("ALGERIAN", "Algerian"),
    ("TUNISIAN", "Tunisian"),
    ("LIBYAN", "Libyan"),
    ("PALESTINIAN", "Palestinian"),
    ("JORDANIAN", "Jordanian"),
    ("YEMENI", "Yemeni"),
    ("SAUDI", "Saudi Arabian"),
    ("KURDISH", "Kurdish"),
    ("ASSYRIAN_CHALDEAN", "Assyrian or Chaldean"),
    ("AMAZIGH", "Amazigh (Berber)"),
    # Turkey is not among SPD 15's printed examples; it is placed in MENA
    # following the Census Bureau's detailed MENA tabulations as understood
    # when this was written (not verified against the 2024 code list).
    ("TURKISH", "Turkish"),
    ("OTHER_MENA", "Other Middle Eastern or North African"),
)

_NHPI: tuple[tuple[str, str], ...] = (
    ("NATIVE_HAWAIIAN", "Native Hawaiian"),
    ("SAMOAN", "Samoan"),
    ("CHAMORRO", "Chamorro"),
    ("TONGAN", "Tongan"),
    ("FIJIAN", "Fijian"),
    ("MARSHALLESE", "Marshallese"),
    ("CHUUKESE", "Chuukese"),
    ("POHNPEIAN", "Pohnpeian"),
    ("KOSRAEAN", "Kosraean"),
    ("YAPESE", "Yapese"),
    ("PALAUAN", "Palauan"),
    ("TAHITIAN", "Tahitian"),
    ("TOKELAUAN", "Tokelauan"),
    # Kept separate from Chamorro because some people from Guam identify by
    # place rather than by Indigenous ancestry.
    ("GUAMANIAN", "Guamanian"),
    ("OTHER_PACIFIC_ISLANDER", "Other Pacific Islander"),
)

_WHITE: tuple[tuple[str, str], ...] = (
    ("ENGLISH", "English"),
    ("GERMAN", "German"),
    ("IRISH", "Irish"),
    ("ITALIAN", "Italian"),
    ("POLISH", "Polish"),
    ("SCOTTISH", "Scottish"),
    # Eastern European groups with large Washington communities
    # (RCW 28A.300.042 asks for these to be disaggregated).
    ("UKRAINIAN", "Ukrainian"),
    ("RUSSIAN", "Russian"),
    ("MOLDOVAN", "Moldovan"),
    ("ROMANIAN", "Romanian"),
    ("BELARUSIAN", "Belarusian"),
    ("BOSNIAN", "Bosnian"),
    # The Caucasus is not part of SPD 15's MENA examples. Under the 2024
    # standard Armenian and Georgian origins are classified as White (European);
    # some Armenian Americans identify as MENA and may select it as well.
    ("ARMENIAN", "Armenian"),
    ("GEORGIAN", "Georgian"),
    ("FRENCH", "French"),
    ("NORWEGIAN", "Norwegian"),
    ("SWEDISH", "Swedish"),
    ("DUTCH", "Dutch"),
    ("OTHER_WHITE", "Other White"),
)


def _groups(
    category: str, position: int, rows: tuple[tuple[str, str], ...]
) -> tuple[DetailedGroup, ...]:
    # Sort keys are derived, not typed by hand, so inserting a group never
    # needs a renumbering pass and categories can never interleave.
    return tuple(
        DetailedGroup(
            code=code,
            name=name,
            category=category,
            cedars_code="",  # unverified; see "CEDARS codes" in the docstring
            sort=position * 1000 + index,
        )
        for index, (code, name) in enumerate(rows, start=1)
    )


DETAILED_GROUPS: tuple[DetailedGroup, ...] = (
    *_groups("AIAN", 1, _AIAN),
    *_groups("ASIAN", 2, _ASIAN),
    *_groups("BLACK", 3, _BLACK),
    *_groups("HISPANIC", 4, _HISPANIC),
    *_groups("MENA", 5, _MENA),
    *_groups("NHPI", 6, _NHPI),
    *_groups("WHITE", 7, _WHITE),
)
