import pytest

from workflow_tests.realdata import REPO


@pytest.fixture
def repo():
    return REPO
