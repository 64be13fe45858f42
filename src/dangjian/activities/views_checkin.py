"""自助签到: the host opens a short-lived link, shown as a QR code, and members check themselves in from
a phone. A convenience, never an obligation (rules.md §10): the secretary's attendance record is what
counts, and no rule, rate or ranking reads the check-in time.

The link carries a signed, timestamped activity id (no model): it expires SELF_CHECK_IN_LINK_HOURS
after the host opened it and cannot be closed earlier; it works from the activity's day until
SELF_CHECK_IN_DAYS after it.
"""

import time
from datetime import timedelta

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from dangjian.accounts.scope import get_scope
from dangjian.core.views import ScopedViewMixin
from dangjian.members.models import Member

from . import services
from .models import Activity, Attendance

SALT = "dangjian.activities.self-check-in"
POLL_SECONDS = 5


def link_lifetime() -> timedelta:
    return timedelta(hours=settings.SELF_CHECK_IN_LINK_HOURS)


def make_token(activity: Activity) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(activity.pk))


def read_token(token: str) -> int:
    """The activity id; SignatureExpired when the link is too old, BadSignature when it is not ours."""
    return int(signing.TimestampSigner(salt=SALT).unsign(token, max_age=link_lifetime()))


def on_check_in_days(activity: Activity) -> bool:
    """From the activity's day until SELF_CHECK_IN_DAYS after it."""
    return 0 <= (timezone.localdate() - activity.held_on).days <= settings.SELF_CHECK_IN_DAYS


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG, drawn on the server (nothing fetched, no script)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=7, border=2, dark="#000", light="#fff", title="签到二维码"
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the URL is encoded as modules, not as text


def checked_in(activity: Activity) -> dict:
    rows = activity.attendance.filter(checked_in_at__isnull=False).select_related("member")
    return {"checked_in": list(rows.order_by("checked_in_at", "id"))}


# The host -------------------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class CheckInOpenView(ScopedViewMixin, TemplateView):
    """开启自助签到 (whoever may change the activity): the link, its QR code, who has checked in."""

    model = Activity
    scope_action = "change"
    target_kwarg = "pk"
    template_name = "activities/check_in_open.html"

    def get_context_data(self, **kwargs):
        activity = self.target
        context = super().get_context_data(**kwargs)
        context.update(object=activity, nav="activities", open=False, days=settings.SELF_CHECK_IN_DAYS)
        context.update(checked_in(activity))
        if activity.is_cancelled or not on_check_in_days(activity):
            return context
        url = self.request.build_absolute_uri(
            reverse("activities:self_check_in", args=[make_token(activity)])
        )
        until = int(time.time() + link_lifetime().total_seconds())
        context.update(open=True, url=url, qr=qr_svg(url), until=until, poll=POLL_SECONDS)
        context["expires_at"] = timezone.now() + link_lifetime()
        return context


@method_decorator(never_cache, name="dispatch")
class CheckInStatusView(ScopedViewMixin, TemplateView):
    """The live count on the host's page (htmx polling while the link is valid, then it stops: a page
    left open must not keep the session alive past the link)."""

    model = Activity
    scope_action = "change"
    target_kwarg = "pk"
    template_name = "activities/_check_in_status.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        value = self.request.GET.get("until", "")
        latest = time.time() + link_lifetime().total_seconds()
        until = min(int(value), latest) if value.isdigit() else 0
        context.update(object=self.target, **checked_in(self.target))
        context.update(poll=POLL_SECONDS if time.time() < until else None, until=until)
        return context


# The member -----------------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class SelfCheckInView(LoginRequiredMixin, View):
    """The link on a member's phone: GET shows the activity and a 签到 button; POST checks in, once
    however often it is sent (do_self_check_in)."""

    template_name = "activities/self_check_in.html"

    def dispatch(self, request, token):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            activity_id = read_token(token)
        except signing.SignatureExpired:
            return self.closed(request, "签到链接已过期，请联系主持人。", status=410)
        except signing.BadSignature as error:
            raise Http404 from error
        self.activity = get_object_or_404(
            Activity.objects.select_related("organization", "activity_type"), pk=activity_id
        )
        if not on_check_in_days(self.activity):
            return self.closed(request, "签到链接已过期，请联系主持人。", status=410)
        if self.activity.is_cancelled:
            return self.closed(request, "该活动已作废，不能签到。", status=410)
        member_ids = get_scope(request.user).member_ids
        if not member_ids:
            return self.closed(request, "你的账号未关联党员信息，不能签到。", status=403)
        self.member = Member.objects.get(pk=member_ids[0])
        if not services.may_self_check_in(self.activity, self.member):
            return self.closed(request, "你不在本次活动的应到人员名单中。", status=403)
        return super().dispatch(request, token)

    def get(self, request, token):
        row = Attendance.objects.filter(activity=self.activity, member=self.member).first()
        return render(request, self.template_name, {"object": self.activity, "row": row, "nav": "mine"})

    def post(self, request, token):
        before = Attendance.objects.filter(activity=self.activity, member=self.member).first()
        try:
            row = services.do_self_check_in(self.activity, self.member)
        except PermissionDenied as error:
            return self.closed(request, str(error), status=403)
        except ValidationError as error:
            return self.closed(request, "；".join(error.messages), status=410)
        if before is None or before.checked_in_at is None:
            messages.success(request, f"签到成功（{timezone.localtime(row.checked_in_at):%H:%M}）。")
        return redirect(request.path)

    def closed(self, request, message: str, *, status: int):
        context = {"message": message, "nav": "mine"}
        return render(request, "activities/self_check_in_closed.html", context, status=status)
