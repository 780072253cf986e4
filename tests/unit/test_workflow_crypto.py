"""Field encryption and the file master key (no database needed)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.settings import get_settings
from vigil.workflow.victims.crypto import TamperedData, decrypt_field, encrypt_field, new_data_key
from vigil.workflow.victims.keys import ENV_KEY_FILE, FileKeyProvider, MasterKeyError, master_keys


@given(st.binary(max_size=2000), st.text(min_size=1, max_size=20))
def test_fields_round_trip_and_bind_their_context(plaintext: bytes, field: str) -> None:
    key = new_data_key()
    nonce, ct = encrypt_field(key, "v_1", field, plaintext)
    assert decrypt_field(key, "v_1", field, nonce, ct) == plaintext
    with pytest.raises(TamperedData):
        decrypt_field(key, "v_2", field, nonce, ct)  # moved to another record
    with pytest.raises(TamperedData):
        decrypt_field(new_data_key(), "v_1", field, nonce, ct)  # another key


def test_every_write_uses_a_fresh_nonce() -> None:
    key = new_data_key()
    nonces = {encrypt_field(key, "v", "name", b"same")[0] for _ in range(200)}
    assert len(nonces) == 200


def test_key_file_is_created_owner_only_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "home" / "keys" / "master.key"
    first = FileKeyProvider(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = FileKeyProvider(path)
    assert first.key_id == second.key_id
    dek = new_data_key()
    wrapped = first.wrap(dek)
    assert dek not in wrapped and second.unwrap(wrapped, first.key_id) == dek
    other = FileKeyProvider(tmp_path / "other.key")
    with pytest.raises(MasterKeyError, match="wrapped by master key"):
        other.unwrap(wrapped, first.key_id)
    with pytest.raises(MasterKeyError, match="corrupt"):
        first.unwrap(bytes([wrapped[0] ^ 1]) + wrapped[1:], first.key_id)


def test_unsafe_or_malformed_key_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    FileKeyProvider(path)
    os.chmod(path, 0o644)
    with pytest.raises(MasterKeyError, match="chmod 600"):
        FileKeyProvider(path)
    os.chmod(path, 0o600)
    path.write_text("not hex")
    with pytest.raises(MasterKeyError, match="64 hex digits"):
        FileKeyProvider(path)


def test_master_keys_come_from_the_env_or_the_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = get_settings(home=tmp_path / "home")
    monkeypatch.delenv(ENV_KEY_FILE, raising=False)
    master_keys(settings)
    assert (tmp_path / "home" / "keys" / "master.key").exists()
    monkeypatch.setenv(ENV_KEY_FILE, str(tmp_path / "elsewhere.key"))
    master_keys(get_settings(home=tmp_path / "home"))
    assert (tmp_path / "elsewhere.key").exists()
