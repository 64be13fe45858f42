"""Course pages (培训班): create, sessions with 学时, enrollment, attendance per session, certificates."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import DetailView, FormView

from dangjian.accounts.scope import get_scope
from dangjian.audit.choices import AuditAction
from dangjian.audit.services import record
from dangjian.core.tree import subtree_q
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin
from dangjian.members.models import Member

from . import services
from .certificates import certificate_number, certificate_pdf, course_hours, enrollment_hours
from .forms import CourseForm, EnrollForm, SessionAttendanceForm, SessionForm
from .models import Course, CourseSession, Enrollment
from .views import GrantRequiredMixin, OrganizationPageMixin


class CourseCreateView(ServiceFormMixin, OrganizationPageMixin, FormView):
    scope_action = "change"
    grant_action = "change"
    form_class = CourseForm
    template_name = "study/form.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": f"{self.target.name}：举办培训班"}

    def perform(self, form):
        return services.do_create_course(
            acting_user=self.request.user, organization=self.target, **form.cleaned_data
        )


class CourseDetailView(GrantRequiredMixin, ScopedViewMixin, DetailView):
    """A course: sessions, each student's hours and completion, certificates."""

    model = Course
    template_name = "study/course_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organization")

    def get_context_data(self, **kwargs):
        course = self.object
        scope = get_scope(self.request.user)
        rows = course_hours(course)
        # A course organized above: each reader sees the students of their own scope only.
        rows = [r for r in rows if scope.covers(r.enrollment.member.organization.path, "view")]
        return {
            **super().get_context_data(**kwargs),
            "nav": "study",
            "sessions": course.sessions.all(),
            "rows": rows,
            "completed": sum(1 for r in rows if r.completed),
            "can_change": scope.covers(course.organization.path, "change"),
        }


class CourseActionMixin(ServiceFormMixin, ScopedViewMixin):
    model = Course
    scope_action = "change"
    target_kwarg = "pk"
    template_name = "study/form.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "nav": "study",
            "title": f"{self.target}：{self.heading}",
        }

    def redirect_after(self):
        from django.shortcuts import redirect

        return redirect(self.course.get_absolute_url())

    @property
    def course(self):
        return self.target


class SessionCreateView(CourseActionMixin, FormView):
    form_class = SessionForm
    heading = "添加课次"

    def perform(self, form):
        return services.do_add_session(self.target, acting_user=self.request.user, **form.cleaned_data)


class EnrollView(CourseActionMixin, FormView):
    form_class = EnrollForm
    heading = "报名学员"

    def get_form_kwargs(self):
        members = (
            Member.objects.active()
            .filter(subtree_q(self.target.organization.path, "organization__path"))
            .exclude(pk__in=self.target.enrollments.values("member_id"))
            .order_by("organization__path", "name_pinyin")
        )
        return {**super().get_form_kwargs(), "members": members}

    def perform(self, form):
        created = services.do_enroll_members(
            self.target, form.cleaned_data["members"], acting_user=self.request.user
        )
        messages.success(self.request, f"已报名{len(created)}名学员。")
        return self.target


class SessionAttendanceView(CourseActionMixin, FormView):
    """出勤: every student attended unless ticked absent."""

    model = CourseSession
    form_class = SessionAttendanceForm
    heading = "登记出勤（勾选缺勤学员）"

    def get_queryset(self):
        return CourseSession.objects.filter(course__in=Course.objects.visible_to(self.request.user, "change"))

    @property
    def course(self):
        return self.target.course

    def get_initial(self):
        return {
            "absent": list(self.target.attendance.filter(present=False).values_list("member_id", flat=True))
        }

    def get_form_kwargs(self):
        enrolled = Member.objects.filter(pk__in=self.target.course.enrollments.values("member_id")).order_by(
            "name_pinyin"
        )
        return {**super().get_form_kwargs(), "members": enrolled}

    def perform(self, form):
        present = services.do_record_session_attendance(
            self.target, acting_user=self.request.user, absent_ids=[m.pk for m in form.cleaned_data["absent"]]
        )
        messages.success(self.request, f"出勤已保存：出席{present}人。")
        return self.target


class CertificateView(ScopedViewMixin, View):
    """结业证书 (PDF) of an enrollment that reached the required hours; for the scope and the student."""

    model = Enrollment
    target_kwarg = "pk"

    def get_queryset(self):
        return super().get_queryset().select_related("course__organization", "member")

    def get(self, request, pk):
        hours = enrollment_hours(self.target)
        if not hours.completed:
            raise Http404("未达到结业所需学时。")
        data = certificate_pdf(hours, number=certificate_number(self.target))
        record(AuditAction.EXPORT, self.target, acting_user=request.user, message="下载结业证书")
        response = HttpResponse(data, content_type="application/pdf")
        name = f"{self.target.course.name}结业证书-{self.target.member.name}.pdf"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        response["Cache-Control"] = "no-store"
        return response
