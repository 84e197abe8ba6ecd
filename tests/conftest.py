import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test sees the real material, prompts and helplines from fixtures/."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)
