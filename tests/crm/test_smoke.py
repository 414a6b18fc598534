import pytest

from tests.conftest import client_for


@pytest.mark.django_db
def test_home_page_greets_a_logged_in_organizer(organizer):
    response = client_for(organizer).get("/")
    assert response.status_code == 200
    assert "Welcome" in response.content.decode()


@pytest.mark.django_db
def test_contact_list_renders_for_data_staff(data_staff):
    from tests.factories import ContactFactory

    ContactFactory(first_name="Amina", last_name="Yusuf")
    response = client_for(data_staff).get("/people/")
    assert response.status_code == 200
    assert "Amina Yusuf" in response.content.decode()
