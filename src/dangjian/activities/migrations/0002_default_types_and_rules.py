"""Seed the activity types of the glossary and the national default rules (制度) of
《中国共产党支部工作条例（试行）》 (in force 2018-10-28), so a fresh installation checks compliance at once.
Local organization departments add their own (tighter) rules in the UI."""

import datetime

from django.db import migrations

BRANCH_KINDS = ["branch", "joint_branch", "temporary_branch"]
COMMITTEE_KINDS = ["committee", "working_committee", "leading_group"]
IN_FORCE = datetime.date(2018, 10, 28)
REGULATION = "《中国共产党支部工作条例（试行）》"

TYPES = [
    ("general_meeting", "支部党员大会", "branch", 10),
    ("committee_meeting", "支部委员会", "committee", 20),
    ("group_meeting", "党小组会", "party_group", 30),
    ("party_lesson", "党课", "branch", 40),
    ("theme_day", "主题党日", "branch", 50),
    ("life_meeting", "组织生活会", "branch", 60),
    ("member_review", "民主评议党员", "branch", 70),
    ("leadership_life_meeting", "民主生活会", "committee", 80),
    ("central_group_study", "党委（党组）理论学习中心组学习", "committee", 90),
    ("heart_talk", "谈心谈话", "named", 100),
    ("study_session", "集中学习", "branch", 110),
]

# (name, type, kinds, period, min count, requires committee, source)
RULES = [
    ("支部党员大会每季度至少召开1次", "general_meeting", BRANCH_KINDS, "quarter", 1, False,
     f"{REGULATION}第十一条"),
    ("支部委员会会议每月至少召开1次", "committee_meeting", BRANCH_KINDS, "month", 1, True,
     f"{REGULATION}第十二条"),
    ("党小组会每月至少召开1次", "group_meeting", ["party_group"], "month", 1, False, f"{REGULATION}第十三条"),
    ("党课每季度至少1次", "party_lesson", BRANCH_KINDS, "quarter", 1, False,
     f"{REGULATION}第十六条（按期上党课；每季度1次为各地通行做法）"),
    ("每月开展1次主题党日", "theme_day", BRANCH_KINDS, "month", 1, False, f"{REGULATION}第十六条"),
    ("组织生活会每年至少召开1次", "life_meeting", BRANCH_KINDS, "year", 1, False, f"{REGULATION}第十七条"),
    ("民主评议党员每年1次", "member_review", BRANCH_KINDS, "year", 1, False, f"{REGULATION}第十八条"),
    ("民主生活会每年召开1次", "leadership_life_meeting", COMMITTEE_KINDS, "year", 1, False,
     "《县以上党和国家机关党员领导干部民主生活会若干规定》（基层党委参照执行）"),
]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("activities", "ActivityType")
    Rule = apps.get_model("activities", "Rule")
    types = {}
    for code, name, scope, order in TYPES:
        types[code], _ = ActivityType.objects.get_or_create(
            code=code, defaults={"name": name, "attendee_scope": scope, "order": order}
        )
    for name, code, kinds, period, count, committee, source in RULES:
        Rule.objects.get_or_create(
            owner=None,
            name=name,
            defaults={
                "activity_type": types[code],
                "organization_kinds": kinds,
                "period": period,
                "min_count": count,
                "requires_committee": committee,
                "valid_from": IN_FORCE,
                "source": source,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
