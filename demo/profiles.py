"""Synthetic community profiles for demo data.

Weights give a coalition's contact list that leans toward the communities of color it
organizes, loosely shaped by Washington K-12 enrollment (OSPI Report Card, 2023-24:
about 27 % Hispanic/Latino, 8 % Asian, 5 % Black, 1 % AIAN, 1.5 % NHPI, 9 % two or
more races, 47 % White). The names are common given and family names, combined at
random: no record describes a real person.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profile:
    weight: int
    categories: tuple[str, ...]
    groups: tuple[str, ...]
    languages: tuple[tuple[str, int], ...]  # (language code, weight)
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


_LATINO_FIRST = (
    "María",
    "José",
    "Guadalupe",
    "Juan",
    "Rosa",
    "Luis",
    "Ana",
    "Carlos",
    "Sofía",
    "Miguel",
    "Valeria",
    "Jorge",
    "Ximena",
    "Alejandro",
    "Lucía",
    "Fernando",
    "Daniela",
    "Ricardo",
    "Isabel",
    "Mateo",
)
_LATINO_LAST = (
    "García",
    "Hernández",
    "Martínez",
    "López",
    "González",
    "Rodríguez",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Morales",
    "Reyes",
    "Ortiz",
    "Castillo",
    "Mendoza",
    "Vargas",
    "Chávez",
    "Ruiz",
    "Jiménez",
)
_VIET_FIRST = (
    "Linh",
    "Minh",
    "Huong",
    "Tuan",
    "Thu",
    "Duc",
    "Mai",
    "Anh",
    "Bao",
    "Lan",
)
_VIET_LAST = ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ngo")
_CHINESE_FIRST = ("Wei", "Mei", "Jun", "Xiu", "Ming", "Li", "Hao", "Yan", "Jing", "Lei")
_CHINESE_LAST = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu")
_FILIPINO_FIRST = ("Maria", "Jose", "Angelica", "Mark", "Kristine", "Jun", "Rowena")
_FILIPINO_LAST = ("Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza")
_KOREAN_FIRST = ("Ji-woo", "Min-jun", "Seo-yeon", "Hyun", "Eun-ji", "Sung-min")
_KOREAN_LAST = ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho")
_HMONG_FIRST = ("Pa", "Mai", "Tou", "Kou", "Nou", "Chue", "Xee", "Yer")
_HMONG_LAST = ("Vang", "Xiong", "Yang", "Thao", "Lee", "Lor", "Her", "Moua")
_KHMER_FIRST = ("Sokha", "Dara", "Sophea", "Vanna", "Channary", "Rithy")
_KHMER_LAST = ("Chhim", "Sok", "Chea", "Keo", "Meas", "Prak")
_INDIAN_FIRST = ("Priya", "Arjun", "Ananya", "Rahul", "Kavya", "Vikram", "Harpreet")
_INDIAN_LAST = ("Patel", "Sharma", "Singh", "Reddy", "Gupta", "Kaur", "Iyer")
_BLACK_FIRST = ("Keisha", "Marcus", "Aaliyah", "Darnell", "Imani", "Andre", "Jasmine")
_BLACK_LAST = ("Johnson", "Williams", "Jackson", "Brown", "Davis", "Robinson", "Harris")
_SOMALI_FIRST = ("Hodan", "Abdi", "Fadumo", "Mohamed", "Amina", "Ahmed", "Sahra")
_SOMALI_LAST = ("Hassan", "Ali", "Mohamud", "Warsame", "Farah", "Abdullahi", "Omar")
_ETHIOPIAN_FIRST = ("Selam", "Dawit", "Hiwot", "Yonas", "Meron", "Tesfaye", "Saba")
_ETHIOPIAN_LAST = ("Tesfaye", "Bekele", "Haile", "Girma", "Alemu", "Kebede", "Tadesse")
_NATIVE_FIRST = ("Winona", "Daniel", "Raven", "Joseph", "Shawna", "Tyler", "Leah")
_NATIVE_LAST = ("Jim", "Sampson", "George", "Charley", "Jack", "Cloud", "James")
_PACIFIC_FIRST = ("Leilani", "Sione", "Malia", "Tevita", "Kalani", "Losa", "Alofa")
_PACIFIC_LAST = ("Tuilagi", "Fifita", "Kabua", "Lokeni", "Faleolo", "Langi", "Jibas")
_MENA_FIRST = ("Layla", "Omar", "Yasmin", "Karim", "Nour", "Samir", "Dalia")
_MENA_LAST = ("Haddad", "Khalil", "Nasser", "Rahimi", "Saleh", "Karimi", "Aziz")
_SLAVIC_FIRST = ("Olena", "Andriy", "Natalia", "Sergei", "Iryna", "Dmitri", "Oksana")
_SLAVIC_LAST = ("Kovalenko", "Shevchenko", "Ivanov", "Bondarenko", "Petrov", "Melnyk")
_WHITE_FIRST = ("Emily", "Michael", "Sarah", "David", "Jennifer", "Ryan", "Megan")
_WHITE_LAST = ("Smith", "Miller", "Anderson", "Olson", "Peterson", "Wilson", "Clark")

PROFILES: tuple[Profile, ...] = (
    Profile(
        26,
        ("HISPANIC",),
        ("MEXICAN",),
        (("es", 7), ("en", 3)),
        _LATINO_FIRST,
        _LATINO_LAST,
    ),
    Profile(
        3,
        ("HISPANIC",),
        ("GUATEMALAN",),
        (("es", 6), ("mam", 2), ("en", 1)),
        _LATINO_FIRST,
        _LATINO_LAST,
    ),
    Profile(
        2,
        ("HISPANIC",),
        ("SALVADORAN",),
        (("es", 6), ("en", 3)),
        _LATINO_FIRST,
        _LATINO_LAST,
    ),
    Profile(
        3, ("HISPANIC", "WHITE"), (), (("es", 3), ("en", 7)), _LATINO_FIRST, _WHITE_LAST
    ),
    Profile(
        4, ("ASIAN",), ("VIETNAMESE",), (("vi", 6), ("en", 4)), _VIET_FIRST, _VIET_LAST
    ),
    Profile(
        3,
        ("ASIAN",),
        ("CHINESE",),
        (("zh", 5), ("yue", 2), ("en", 3)),
        _CHINESE_FIRST,
        _CHINESE_LAST,
    ),
    Profile(
        3,
        ("ASIAN",),
        ("FILIPINO",),
        (("tl", 3), ("en", 7)),
        _FILIPINO_FIRST,
        _FILIPINO_LAST,
    ),
    Profile(
        2, ("ASIAN",), ("KOREAN",), (("ko", 5), ("en", 5)), _KOREAN_FIRST, _KOREAN_LAST
    ),
    Profile(
        1, ("ASIAN",), ("HMONG",), (("hmn", 4), ("en", 6)), _HMONG_FIRST, _HMONG_LAST
    ),
    Profile(
        1, ("ASIAN",), ("CAMBODIAN",), (("km", 5), ("en", 5)), _KHMER_FIRST, _KHMER_LAST
    ),
    Profile(
        2,
        ("ASIAN",),
        ("ASIAN_INDIAN",),
        (("pa", 3), ("hi", 2), ("en", 5)),
        _INDIAN_FIRST,
        _INDIAN_LAST,
    ),
    Profile(
        5, ("BLACK",), ("AFRICAN_AMERICAN",), (("en", 10),), _BLACK_FIRST, _BLACK_LAST
    ),
    Profile(
        3, ("BLACK",), ("SOMALI",), (("so", 7), ("en", 3)), _SOMALI_FIRST, _SOMALI_LAST
    ),
    Profile(
        2,
        ("BLACK",),
        ("ETHIOPIAN",),
        (("am", 6), ("om", 1), ("en", 3)),
        _ETHIOPIAN_FIRST,
        _ETHIOPIAN_LAST,
    ),
    Profile(
        1,
        ("BLACK",),
        ("ERITREAN",),
        (("ti", 7), ("en", 3)),
        _ETHIOPIAN_FIRST,
        _ETHIOPIAN_LAST,
    ),
    Profile(2, ("AIAN",), ("YAKAMA",), (("en", 10),), _NATIVE_FIRST, _NATIVE_LAST),
    Profile(1, ("AIAN", "WHITE"), (), (("en", 10),), _NATIVE_FIRST, _WHITE_LAST),
    Profile(
        1, ("NHPI",), ("SAMOAN",), (("sm", 4), ("en", 6)), _PACIFIC_FIRST, _PACIFIC_LAST
    ),
    Profile(
        1,
        ("NHPI",),
        ("MARSHALLESE",),
        (("mh", 6), ("en", 4)),
        _PACIFIC_FIRST,
        _PACIFIC_LAST,
    ),
    Profile(
        1, ("NHPI",), ("NATIVE_HAWAIIAN",), (("en", 10),), _PACIFIC_FIRST, _PACIFIC_LAST
    ),
    Profile(
        2,
        ("MENA",),
        ("IRAQI", "LEBANESE", "IRANIAN"),
        (("ar", 5), ("en", 5)),
        _MENA_FIRST,
        _MENA_LAST,
    ),
    Profile(
        3,
        ("WHITE",),
        ("UKRAINIAN", "RUSSIAN"),
        (("uk", 4), ("ru", 4), ("en", 2)),
        _SLAVIC_FIRST,
        _SLAVIC_LAST,
    ),
    Profile(3, ("BLACK", "WHITE"), (), (("en", 10),), _BLACK_FIRST, _WHITE_LAST),
    Profile(2, ("ASIAN", "WHITE"), (), (("en", 10),), _WHITE_FIRST, _VIET_LAST),
    Profile(
        12, ("WHITE",), ("ENGLISH", "GERMAN"), (("en", 10),), _WHITE_FIRST, _WHITE_LAST
    ),
)

COMMUNITY_ORGANIZATIONS = (
    "Familias Unidas del Valle",
    "Somali Parents Education Board",
    "Vietnamese Family Education Network",
    "Tubman Center for Black Families",
    "Pacific Islander Community Alliance",
    "Yakima Valley Parent Power",
    "Spokane Latino Families Network",
    "Hmong Family Circle of Puget Sound",
    "Ukrainian Community Center of Washington",
    "Ethiopian Community Education Hub",
    "Tri-Cities Padres Unidos",
    "South King Youth Voices",
    "Eastside Asian Families Coalition",
    "Marshallese Women's Association of the Northwest",
    "Native Parents for Education",
    "Wenatchee Valley Community Action",
    "Skagit Farmworker Families",
    "Khmer Community Education Project",
    "Black Educators Collective",
    "Arab American Families Forum",
)

STATE_AGENCIES = (
    "Office of Superintendent of Public Instruction",
    "State Board of Education",
    "Department of Children, Youth, and Families",
    "Washington Student Achievement Council",
    "Professional Educator Standards Board",
    "Office of the Education Ombuds",
    "Governor's Office of Indian Affairs",
    "Commission on Hispanic Affairs",
    "Commission on Asian Pacific American Affairs",
    "Commission on African American Affairs",
)

FUNDERS = (
    "Evergreen Community Foundation",
    "Cascade Education Equity Fund",
    "Northwest Families Trust",
)

PROGRAMS = (
    ("Community capacity building", "Parent and youth leadership across the state."),
    ("Technical assistance", "Support to districts, agencies and legislators."),
    ("2027 legislative session", "Advocacy for the 2027 session's education bills."),
    ("Family engagement in school discipline", "Listening and policy on discipline."),
)

POLICY_AREAS = (
    "School discipline",
    "Multilingual learners",
    "Special education",
    "Early learning",
    "School funding",
    "Ethnic studies",
    "Family engagement",
)
BILLS = (
    ("HB 1153", "Language access in public schools"),
    ("SB 5252", "Family engagement coordinators"),
    ("HB 1479", "Restraint and isolation"),
    ("SB 5081", "Parents' rights and notification"),
)
THEMES = (
    "Interpretation at school meetings",
    "Discipline disparities",
    "Transportation",
    "Counselors and mental health",
    "Teachers who look like our kids",
    "Communication from the school",
    "Bullying and safety",
    "College and career",
    "Special education services",
    "Food and nutrition",
)

COMMENTS = (
    "We never get interpreters at IEP meetings, my son goes without the services.",
    "The bus stop is too far for the little ones in winter.",
    "Our kids are suspended for things other kids do without consequence.",
    "I want the school to call me in Spanish, not send papers home in English.",
    "There is only one counselor for the whole high school.",
    "My daughter never had a teacher from our community until 11th grade.",
    "The school app only works in English.",
    "Nobody explained the dual credit options to our family.",
    "Lunch debt letters embarrass the children.",
    "We need the school board meetings in the evening so parents can come.",
    "The interpreter on the phone did not speak our dialect.",
    "My son was restrained and I was only told a week later.",
)
