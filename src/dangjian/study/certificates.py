"""Course completion (hours attended ≥ required) and the 结业证书 as a PDF.

The PDF is drawn with reportlab's built-in CID font STSong-Light (Adobe-GB1): the reader's PDF viewer
supplies the glyphs, so no font file is needed on the server (fonts-noto-cjk may not be installed).
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .models import Course, Enrollment, SessionAttendance

FONT = "STSong-Light"


@dataclass
class EnrollmentHours:
    enrollment: Enrollment
    hours: Decimal

    @property
    def completed(self) -> bool:
        return self.hours >= self.enrollment.course.required_hours


def course_hours(course: Course) -> list[EnrollmentHours]:
    """Each enrolled member's attended 学时 in `course` (two queries)."""
    enrollments = list(course.enrollments.select_related("member__organization", "course"))
    attended = (
        SessionAttendance.objects.filter(session__course=course, present=True)
        .order_by()
        .values_list("member_id")
        .annotate(h=Sum("session__hours"))
    )
    hours = dict(attended)
    return [EnrollmentHours(e, hours.get(e.member_id) or Decimal("0")) for e in enrollments]


def enrollment_hours(enrollment: Enrollment) -> EnrollmentHours:
    total = SessionAttendance.objects.filter(
        Q(session__course_id=enrollment.course_id), member_id=enrollment.member_id, present=True
    ).aggregate(h=Sum("session__hours"))["h"]
    return EnrollmentHours(enrollment, total or Decimal("0"))


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def certificate_pdf(record: EnrollmentHours, *, number: str = "") -> bytes:
    """A one-page A4 landscape 结业证书 for a member who completed the course."""
    _register_font()
    enrollment = record.enrollment
    course, member = enrollment.course, enrollment.member
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=0, invariant=1)
    pdf.setTitle(f"{course.name}结业证书（{member.name}）")
    pdf.setStrokeColorRGB(0.72, 0.11, 0.11)
    pdf.setLineWidth(4)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setFillColorRGB(0.72, 0.11, 0.11)
    pdf.setFont(FONT, 40)
    pdf.drawCentredString(width / 2, height - 130, "结业证书")
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(FONT, 20)
    lines = [
        f"{member.name}同志：",
        f"于{course.starts_on:%Y年%m月%d日}至{course.ends_on:%Y年%m月%d日}参加{course.organization.name}举办的",
        f"“{course.name}”（{course.get_kind_display()}），完成{record.hours}学时（规定{course.required_hours}学时），",
        "准予结业。",
    ]
    y = height - 210
    for index, line in enumerate(lines):
        pdf.drawString(90 if index == 0 else 130, y, line)
        y -= 40
    pdf.setFont(FONT, 16)
    pdf.drawRightString(width - 100, 120, course.organization.name)
    pdf.drawRightString(width - 100, 92, f"{course.ends_on:%Y年%m月%d日}")
    if number:
        pdf.setFont(FONT, 11)
        pdf.drawString(60, 50, f"证书编号：{number}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def certificate_number(enrollment: Enrollment) -> str:
    return f"{enrollment.course.organization.code}-{enrollment.course.starts_on.year}-{enrollment.pk:06d}"
