"""Choices of the theme notices, life-meeting preparation and notifications."""

from django.db import models

from dangjian.organizations.choices import COMMITTEE_KINDS, OrganizationKind

# The activity types whose preparation is recorded (glossary: 组织生活会, 民主生活会).
LIFE_MEETING = "life_meeting"
LEADERSHIP_LIFE_MEETING = "leadership_life_meeting"
LIFE_MEETING_TYPES = (LIFE_MEETING, LEADERSHIP_LIFE_MEETING)
HEART_TALK = "heart_talk"

# Who publishes the month's 主题党日 theme: the organizations that have branches below them.
THEME_PUBLISHER_KINDS = frozenset({*COMMITTEE_KINDS, OrganizationKind.GENERAL_BRANCH})
# A 组织生活会 is held by a branch, as a 党员大会, 支委会 or 党小组会 (支部工作条例 art.17).
LIFE_MEETING_KINDS = frozenset(
    {
        OrganizationKind.BRANCH,
        OrganizationKind.JOINT_BRANCH,
        OrganizationKind.TEMPORARY_BRANCH,
        OrganizationKind.PARTY_GROUP,
    }
)


class OpinionSource(models.TextChoices):
    """Whose opinion was collected (征求意见) before a life meeting."""

    MEMBER = "member", "党员"
    PUBLIC = "public", "群众"
    SUPERIOR = "superior", "上级党组织"


class RectificationStatus(models.TextChoices):
    OPEN = "open", "未完成"
    DONE = "done", "已完成"


class NotificationKind(models.TextChoices):
    DUE_SOON = "due_soon", "到期提醒"
    MISSED = "missed", "未达标通报"
