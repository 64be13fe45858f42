from django.db import models


class RoleChoices(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    ORG_ADMIN = "org_admin", "组织管理员"
    BRANCH_ADMIN = "branch_admin", "支部管理员"
    INSPECTOR = "inspector", "督导员"
    MEMBER = "member", "党员"


# What each role may do on the organizations its grant covers. "view_pi" = see full 身份证号/phone.
ROLE_ACTIONS = {
    RoleChoices.SYSTEM_ADMIN: {"view", "audit", "manage_users"},
    RoleChoices.ORG_ADMIN: {"view", "change", "manage_tree", "view_pi", "export"},
    RoleChoices.BRANCH_ADMIN: {"view", "change", "view_pi", "export"},
    RoleChoices.INSPECTOR: {"view"},
    RoleChoices.MEMBER: set(),  # own records only, handled by the scope module
}
