import pytest

from tests.conftest import client_for
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_data_staff_see_the_sign_in_sheet_import_and_roster_exports(data_staff):
    event = EventFactory()
    page = client_for(data_staff).get(f"/events/{event.pk}/").content.decode()
    assert f"/events/{event.pk}/data/import/" in page
    assert f"/events/{event.pk}/data/export/roster/?format=xlsx" in page


def test_organizers_do_not_see_spreadsheet_actions(organizer):
    event = EventFactory()
    page = client_for(organizer).get(f"/events/{event.pk}/").content.decode()
    assert "/data/import/" not in page
    assert "/data/export/" not in page
