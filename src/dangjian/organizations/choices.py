from django.db import models


class OrganizationKind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    WORKING_COMMITTEE = "working_committee", "党工委"
    LEADING_GROUP = "leading_group", "党组"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    TEMPORARY_BRANCH = "temporary_branch", "临时党支部"
    PARTY_GROUP = "party_group", "党小组"


COMMITTEE_KINDS = frozenset(
    {OrganizationKind.COMMITTEE, OrganizationKind.WORKING_COMMITTEE, OrganizationKind.LEADING_GROUP}
)
BRANCH_KINDS = frozenset(
    {OrganizationKind.BRANCH, OrganizationKind.JOINT_BRANCH, OrganizationKind.TEMPORARY_BRANCH}
)

# Which kinds may stand directly under which (None = the root of the tree).
ALLOWED_PARENT_KINDS = {
    **{kind: COMMITTEE_KINDS | {None} for kind in COMMITTEE_KINDS},
    OrganizationKind.GENERAL_BRANCH: COMMITTEE_KINDS,
    **{kind: COMMITTEE_KINDS | {OrganizationKind.GENERAL_BRANCH} for kind in BRANCH_KINDS},
    OrganizationKind.PARTY_GROUP: BRANCH_KINDS,
}


class UnitCategory(models.TextChoices):
    GOVERNMENT = "government", "机关"
    INSTITUTION = "institution", "事业单位"
    SCHOOL = "school", "学校"
    STATE_ENTERPRISE = "state_enterprise", "国有企业"
    PRIVATE_ENTERPRISE = "private_enterprise", "非公企业"
    RURAL = "rural", "农村"
    COMMUNITY = "community", "社区"
    SOCIAL_ORGANIZATION = "social_organization", "社会组织"
    OTHER = "other", "其他"


# 村/社区 committees serve 5-year terms, others 3 (支部工作条例).
LONG_TERM_CATEGORIES = frozenset({UnitCategory.RURAL, UnitCategory.COMMUNITY})


class OrganizationStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    DISSOLVED = "dissolved", "已撤销"
