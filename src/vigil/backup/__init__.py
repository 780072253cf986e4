"""Backup, verification and restore of a data home (workbench, lake, vault, log, keys)."""

from vigil.backup.archive import (
    BackupError,
    BackupReport,
    create_backup,
    restore_backup,
    verify_backup,
)

__all__ = ["BackupError", "BackupReport", "create_backup", "restore_backup", "verify_backup"]
