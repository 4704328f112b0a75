import pytest

from platform_schemas import PLATFORMS, validator


@pytest.fixture(scope="session")
def schemas():
    """``{platform: validator}`` of the results files (:mod:`platform_schemas`)."""
    return {platform: validator(platform) for platform in PLATFORMS}
