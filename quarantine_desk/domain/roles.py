"""Who may do what: the five roles and the permission each use case asks for.

The services check these on every call, whatever the caller (window, command line, test); widgets only hide
what the role cannot use.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    MEDICAL = "medical"
    LOGISTICS = "logistics"
    VIEWER = "viewer"  # a district official: reads and exports, changes nothing


class Permission(StrEnum):
    READ = "read"
    EXPORT = "export"
    MANAGE_USERS = "manage_users"
    MANAGE_FACILITY = "manage_facility"
    MANAGE_POLICY = "manage_policy"
    REGISTER_PERSON = "register_person"
    ADMIT = "admit"
    RECORD_MEDICAL = "record_medical"
    RELEASE = "release"
    OVERRIDE_RELEASE = "override_release"
    ACCEPT_CONTACT = "accept_contact"  # admit a later arrival into a room as a contact, restarting it (R2)
    DISINFECT = "disinfect"
    MANAGE_STOCK = "manage_stock"
    MANAGE_SHIFTS = "manage_shifts"
    VIEW_AUDIT = "view_audit"
    BACKUP = "backup"


_ALL = set(Role)
_STAFF = {Role.ADMIN, Role.MANAGER, Role.MEDICAL}

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.READ: frozenset(_ALL),
    Permission.EXPORT: frozenset(_ALL),
    Permission.MANAGE_USERS: frozenset({Role.ADMIN}),
    Permission.MANAGE_FACILITY: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.MANAGE_POLICY: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.REGISTER_PERSON: frozenset(_STAFF),
    Permission.ADMIT: frozenset(_STAFF),
    Permission.RECORD_MEDICAL: frozenset(_STAFF),
    Permission.RELEASE: frozenset(_STAFF),
    Permission.OVERRIDE_RELEASE: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.ACCEPT_CONTACT: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.DISINFECT: frozenset({Role.ADMIN, Role.MANAGER, Role.MEDICAL, Role.LOGISTICS}),
    Permission.MANAGE_STOCK: frozenset({Role.ADMIN, Role.MANAGER, Role.LOGISTICS}),
    Permission.MANAGE_SHIFTS: frozenset({Role.ADMIN, Role.MANAGER}),
    Permission.VIEW_AUDIT: frozenset({Role.ADMIN, Role.MANAGER, Role.VIEWER}),
    Permission.BACKUP: frozenset({Role.ADMIN}),
}


def allows(role: Role | str, permission: Permission) -> bool:
    return Role(role) in GRANTS[permission]
