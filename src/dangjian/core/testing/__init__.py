"""Test support shared by every app: the test world and the permission matrix."""

from .fixtures import PASSWORD, ROLES, World, build_world, login_as, member_fields

__all__ = ["PASSWORD", "ROLES", "World", "build_world", "login_as", "member_fields"]
