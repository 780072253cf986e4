"""vigil's one Settings object.

Every setting can be given as an environment variable ``VIGIL_<NAME>`` (for example
``VIGIL_HOME=/srv/vigil``). Build it with :func:`get_settings`; nothing is read at
import time. docs/settings.md is generated from the field descriptions below, and a
test fails when the two drift apart.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "vigil"


class Settings(BaseSettings):
    """Runtime configuration. See docs/settings.md."""

    model_config = SettingsConfigDict(env_prefix="VIGIL_", extra="ignore", frozen=True)

    home: Path = Field(
        default_factory=_default_home,
        description=(
            "Data home: holds the corpus lake (lake/), quarantine files (quarantine/) "
            "and the embedded workbench database (vigil.db). "
            "Default: ~/.local/share/vigil."
        ),
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the workbench database. Default: a SQLite file "
            "vigil.db in the data home. Use postgresql+psycopg://user@host/db for "
            "a shared server."
        ),
    )
    master_key_file: Path | None = Field(
        default=None,
        description=(
            "File holding the master key that wraps each victim record's data key (created "
            "0600 on first use; a group- or world-readable file is refused). "
            "Default: keys/master.key in the data home."
        ),
    )
    images_root: Path | None = Field(
        default=None,
        description=(
            "Folder that image references in posts resolve against (for perceptual hashes and "
            "the console's blurred previews). Default: the one recorded by the last link run."
        ),
    )
    blob_store: Literal["file", "s3"] = Field(
        default="file",
        description=(
            "Where the evidence vault keeps its write-once blobs: `file` (vault/blobs/ in the "
            "data home) or `s3` (an S3-compatible bucket, see the `VIGIL_S3_*` settings; needs "
            "`pip install 'vigil[s3]'`). Credentials come from the standard AWS variables "
            "(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE...), never from vigil."
        ),
    )
    s3_bucket: str | None = Field(
        default=None,
        description="Bucket of the S3 blob store (needed when `VIGIL_BLOB_STORE` is `s3`).",
    )
    s3_prefix: str | None = Field(
        default=None,
        description=(
            "Key prefix inside the bucket, e.g. `vigil/`; blobs go under "
            "`<prefix>sha256/ab/cd/<hash>`. Default: none."
        ),
    )
    s3_endpoint_url: str | None = Field(
        default=None,
        description=(
            "Endpoint of an S3-compatible server (MinIO, Ceph, Garage...), e.g. "
            "`https://s3.example.org`; path-style addressing is used. Default: AWS S3."
        ),
    )
    s3_region: str | None = Field(
        default=None,
        description="Region of the bucket. Default: AWS_REGION or the AWS config file.",
    )
    s3_object_lock_days: int | None = Field(
        default=None,
        ge=1,
        le=36_500,
        description=(
            "If set, every blob is written with S3 Object Lock in compliance mode, retained "
            "for this many days (the bucket must have Object Lock enabled)."
        ),
    )
    default_region: str = Field(
        default="US",
        description="Default ISO 3166 region used to read phone numbers without a country code.",
    )
    batch_size: int = Field(
        default=20_000,
        ge=100,
        le=1_000_000,
        description=(
            "Rows per ingest batch. Each batch is committed atomically to the lake; "
            "memory use grows with it."
        ),
    )
    workers: int = Field(
        default_factory=lambda: max(1, os.cpu_count() or 1),
        ge=1,
        le=256,
        description=(
            "Processes used for the per-part pipeline stages (extraction, scoring). "
            "Default: the number of CPU cores."
        ),
    )
    progress: bool = Field(
        default=True,
        description="Show progress bars on long work (they are hidden anyway when not a TTY).",
    )

    @field_validator("default_region")
    @classmethod
    def _upper_region(cls, v: str) -> str:
        v = v.strip().upper()
        if len(v) != 2 or not v.isalpha():
            raise ValueError("default_region must be a two-letter ISO 3166 code, e.g. US")
        return v

    @property
    def lake_dir(self) -> Path:
        return self.home / "lake"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def workbench_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'vigil.db'}"


def get_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, with keyword overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
