from pathlib import Path

import pytest
from pydantic import ValidationError

from vigil.settings import get_settings


def test_env_vars_and_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VIGIL_HOME", str(tmp_path))
    monkeypatch.setenv("VIGIL_DEFAULT_REGION", "au")
    s = get_settings()
    assert s.home == tmp_path
    assert s.default_region == "AU"
    assert s.lake_dir == tmp_path / "lake"
    assert s.workbench_url == f"sqlite:///{tmp_path / 'vigil.db'}"
    monkeypatch.setenv("VIGIL_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert get_settings().workbench_url == "postgresql+psycopg://u@h/db"


def test_overrides_win_and_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIL_BATCH_SIZE", "500")
    assert get_settings(batch_size=1000).batch_size == 1000
    with pytest.raises(ValidationError, match="two-letter"):
        get_settings(default_region="USA")
    with pytest.raises(ValidationError):
        get_settings(batch_size=1)
