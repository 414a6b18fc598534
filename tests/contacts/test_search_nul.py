import pytest

from contacts.models import Contact
from tests.factories import ContactFactory


@pytest.mark.django_db
def test_search_ignores_nul_characters_instead_of_failing_in_the_database():
    ContactFactory(first_name="Linh", last_name="Nguyen")
    assert list(
        Contact.objects.search("Li\x00nh").values_list("first_name", flat=True)
    ) == ["Linh"]
