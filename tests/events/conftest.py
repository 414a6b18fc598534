import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # The public form's rate limit counts in the cache.
    cache.clear()
    yield
    cache.clear()
