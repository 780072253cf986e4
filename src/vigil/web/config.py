"""Settings for serving the console and API (``VIGIL_WEB_*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["WebSettings"]


class WebSettings(BaseSettings):
    """What `vigil serve` needs beyond the data home. See docs/console.md."""

    model_config = SettingsConfigDict(env_prefix="VIGIL_WEB_", extra="ignore", frozen=True)

    results: Path | None = Field(
        default=None,
        description=(
            "Scan results directory the console reads (written by `vigil scan --out DIR`). "
            "Default: results/ in the data home."
        ),
    )
    secure_cookies: bool | None = Field(
        default=None,
        description=(
            "Mark cookies Secure. Default: when the request came over HTTPS "
            "(set true behind a TLS-terminating proxy)."
        ),
    )
    secret_file: Path | None = Field(
        default=None,
        description=(
            "File holding the server key for CSRF tokens. Default: web-secret in the data home."
        ),
    )
    login_user_failures: int = Field(
        default=5, ge=1, le=1000, description="Failed logins per user name before a lockout."
    )
    login_ip_failures: int = Field(
        default=20,
        ge=1,
        le=100_000,
        description="Failed logins per client address before a lockout.",
    )
    login_window_minutes: int = Field(
        default=15, ge=1, le=1440, description="Failure window and lockout length."
    )
    max_body_mb: int = Field(
        default=16,
        ge=1,
        le=1024,
        description="Largest request body in MiB; larger requests are refused with 413.",
    )
    max_ingest_rows: int = Field(
        default=10_000, ge=1, le=1_000_000, description="Most rows in one POST /api/v1/posts."
    )
    page_size: int = Field(default=50, ge=1, le=500, description="Rows per page in the worklist.")
