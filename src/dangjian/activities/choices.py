from django.db import models


class AttendeeScope(models.TextChoices):
    """Whose roster is expected at an activity of a type."""

    BRANCH = "branch", "支部全体党员"
    PARTY_GROUP = "party_group", "党小组成员"
    COMMITTEE = "committee", "委员会委员"
    NAMED = "named", "指定人员"


class AbsenceReason(models.TextChoices):
    SICK = "sick", "病假"
    PERSONAL = "personal", "事假"
    OFFICIAL = "official", "公假"
    OTHER = "other", "其他"


class Period(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    HALF_YEAR = "half_year", "每半年"
    YEAR = "year", "每年"


PERIOD_MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6, Period.YEAR: 12}


class Verdict(models.TextChoices):
    MET = "met", "达标"
    MISSED = "missed", "未达标"
    OPEN = "open", "进行中"
    NOT_APPLICABLE = "not_applicable", "不适用"


class RuleMeasure(models.TextChoices):
    """What a rule counts: activities of its type held by the organization, or a quota per member."""

    ACTIVITIES = "activities", "组织生活次数"
    STUDY_ITEMS = "study_items", "每名党员学习篇目数"
    STUDY_HOURS = "study_hours", "每名党员学时"


class MemberScope(models.TextChoices):
    """Whose quota a per-member rule sets."""

    ALL = "all", "全体党员"
    LEADERS = "leaders", "书记和委员"


class SpotCheckResult(models.TextChoices):
    PASSED = "passed", "合格"
    FAILED = "failed", "不合格"


# The seeded activity types: (identifier, name, attendee scope, order). Identifiers from the glossary.
DEFAULT_ACTIVITY_TYPES = [
    ("general_meeting", "支部党员大会", AttendeeScope.BRANCH, 10),
    ("committee_meeting", "支部委员会", AttendeeScope.COMMITTEE, 20),
    ("group_meeting", "党小组会", AttendeeScope.PARTY_GROUP, 30),
    ("party_lesson", "党课", AttendeeScope.BRANCH, 40),
    ("theme_day", "主题党日", AttendeeScope.BRANCH, 50),
    ("life_meeting", "组织生活会", AttendeeScope.BRANCH, 60),
    ("member_review", "民主评议党员", AttendeeScope.BRANCH, 70),
    ("leadership_life_meeting", "民主生活会", AttendeeScope.COMMITTEE, 80),
    ("central_group_study", "党委（党组）理论学习中心组学习", AttendeeScope.COMMITTEE, 90),
    ("heart_talk", "谈心谈话", AttendeeScope.NAMED, 100),
    ("study_session", "集中学习", AttendeeScope.BRANCH, 110),
]


class AttachmentKind(models.TextChoices):
    """What an attachment of an activity is (all of them optional: rules.md §10)."""

    SIGN_IN_SHEET = "sign_in_sheet", "签到表扫描件"
    PHOTO = "photo", "现场照片"
    MATERIAL = "material", "会议材料"
    OTHER = "other", "其他"
