"""The results files as each platform's documentation specifies them: JSON Schemas kept in ``schemas/``."""
import json
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMAS = Path(__file__).resolve().with_name("schemas")
PLATFORMS = ("gradescope", "prairielearn")


def validator(platform):
    schema = json.loads((SCHEMAS / f"{platform}_results.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def assert_valid(validator, document):
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
