"""Docs derived from code must match the code (regenerate with `make docs`)."""

from pathlib import Path

from vigil.docs.generate import cli_reference, settings_reference
from vigil.ingest.schema import ALIASES
from vigil.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_cli_reference_is_current() -> None:
    assert (DOCS / "cli.md").read_text() == cli_reference(), "docs/cli.md is stale: run `make docs`"


def test_settings_reference_is_current() -> None:
    text = (DOCS / "settings.md").read_text()
    assert text == settings_reference(), "docs/settings.md is stale: run `make docs`"
    for name in Settings.model_fields:
        assert f"VIGIL_{name.upper()}" in text


def test_input_format_documents_every_field_and_alias() -> None:
    text = (DOCS / "input-format.md").read_text()
    for names in ALIASES.values():
        for name in names:
            assert f"`{name}`" in text, f"docs/input-format.md does not mention `{name}`"
