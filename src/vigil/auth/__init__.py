"""Accounts, roles, permissions, sessions and API tokens."""

from vigil.auth.permissions import MATRIX, Permission, Role, allowed, permissions_of
from vigil.auth.principal import Principal

__all__ = ["MATRIX", "Permission", "Principal", "Role", "allowed", "permissions_of"]
