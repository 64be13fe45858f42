from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    """Rows recorded before 0002 take their member's present branch (the best record of where the member was).

    A one-off fill of a derived column; audit-exempt like every migration (it changes no fact).
    """
    Member = apps.get_model("members", "Member")
    branch = Subquery(Member.objects.filter(pk=OuterRef("member_id")).values("organization_id")[:1])
    for name in ("StudyCompletion", "SessionAttendance"):
        model = apps.get_model("study", name)
        model.objects.filter(organization__isnull=True).update(organization=branch)


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0002_completion_and_attendance_organization"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
