"""Roster import (upload → background job → progress → result) and export pages.

The upload is saved to a temporary file and imported by a background thread; the job's progress and
result live in Django's cache under a random job id (Redis in production, LocMem in the demo: one process
is enough for the latter). The page polls the job with htmx every second. The temporary file is deleted
when the job ends (security.md E4). With `settings.IMPORT_RUN_INLINE` (tests) the job runs in the request.
"""

import contextvars
import logging
import os
import secrets
import tempfile
import threading

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dangjian.accounts.scope import get_scope
from dangjian.core import xlsx
from dangjian.core.views import clean_query
from dangjian.organizations.models import Organization

from .exporting import ExportRefused, build_template, export_members
from .filtersets import MemberFilterSet
from .importing import ImportResult, import_members
from .models import Member

logger = logging.getLogger(__name__)

JOB_TIMEOUT = 2 * 3600
JOB_KEY = "members:import-job:{}"
RUNNING_KEY = "members:import-running:{}"  # one running import per user
RUNNING_TIMEOUT = 15 * 60
TEMPLATE_FILENAME = "党员名册导入模板.xlsx"
STAGE_LABELS = {"queued": "排队中", "reading": "正在读取文件", "validate": "已校验", "write": "已写入"}


# Jobs -----------------------------------------------------------------------------------------------
def load_job(job_id: str, user) -> dict:
    """The job's state, only for the user who started it (anyone else: 404)."""
    job = cache.get(JOB_KEY.format(job_id))
    if job is None or job.get("owner") != user.pk:
        raise Http404("导入任务不存在或已过期。")
    return job


def _save_job(job_id: str, job: dict) -> None:
    cache.set(JOB_KEY.format(job_id), job, JOB_TIMEOUT)


def run_import_job(
    job_id: str, path: str, *, user_id: int, organization_id: int | None, dry_run: bool, in_thread=False
) -> None:
    """Import the saved upload, keeping the job's progress in the cache; always deletes the file."""
    job = cache.get(JOB_KEY.format(job_id)) or {}

    def progress(done, total, stage="validate"):
        job.update(stage=stage, done=done, total=total)
        _save_job(job_id, job)

    try:
        job.update(status="running", stage="reading")
        _save_job(job_id, job)
        user = get_user_model().objects.get(pk=user_id)
        organization = Organization.objects.get(pk=organization_id) if organization_id else None
        result = import_members(
            path,
            organization=organization,
            acting_user=user,
            dry_run=dry_run,
            progress=progress,
            source_name=job.get("filename", ""),
        )
        job.update(status="done", result=result.as_dict())
    except PermissionDenied as error:
        job.update(status="failed", message=str(error) or "无权执行此导入。")
    except Exception:
        logger.exception("Roster import job %s failed", job_id)
        job.update(status="failed", message="导入过程中发生意外错误，未写入任何数据；请联系系统管理员。")
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        _save_job(job_id, job)
        cache.delete(RUNNING_KEY.format(user_id))
        if in_thread:
            connection.close()  # this thread's own connection


def _run_inline() -> bool:
    return getattr(settings, "IMPORT_RUN_INLINE", False)


def _save_upload(upload) -> str:
    """Copy the upload to a new temporary file readable only by this process's user (mkstemp: 0600)."""
    handle, path = tempfile.mkstemp(
        prefix="dangjian-import-", suffix=".xlsx", dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    try:
        with os.fdopen(handle, "wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
    except BaseException:
        os.unlink(path)
        raise
    return path


def start_import_job(upload, *, user, organization, dry_run: bool) -> str:
    """Save `upload` to a private temporary file and import it in the background; return the job id."""
    job_id = secrets.token_urlsafe(16)
    if not cache.add(RUNNING_KEY.format(user.pk), job_id, RUNNING_TIMEOUT):
        raise ImportBusy("您有一个导入任务正在进行，请等它完成后再上传。")
    try:
        path = _save_upload(upload)
    except BaseException:
        cache.delete(RUNNING_KEY.format(user.pk))
        raise
    _save_job(
        job_id,
        {
            "owner": user.pk,
            "status": "queued",
            "stage": "queued",
            "done": 0,
            "total": 0,
            "filename": os.path.basename(upload.name or "")[:100],
            "dry_run": dry_run,
            "organization": str(organization) if organization else "",
            "started": timezone.now().isoformat(),
        },
    )
    kwargs = {
        "user_id": user.pk,
        "organization_id": organization.pk if organization else None,
        "dry_run": dry_run,
    }
    if _run_inline():
        run_import_job(job_id, path, **kwargs)
    else:
        # The thread carries the request context, so the audit rows name this request's id and address.
        context = contextvars.copy_context()
        thread = threading.Thread(
            target=context.run,
            args=(run_import_job, job_id, path),
            kwargs={**kwargs, "in_thread": True},
            name=f"member-import-{job_id[:8]}",
            daemon=True,
        )
        thread.start()
    return job_id


class ImportBusy(Exception):
    """The user already has an import running."""


# Import pages ---------------------------------------------------------------------------------------
class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + xlsx.XLSX_CONTENT_TYPE}),
    )
    organization = forms.ModelChoiceField(
        label="导入到",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="（按文件中的「所在党支部」列）",
        help_text="「所在党支部」列留空的行编入所选党支部；选择党委时，文件中的党支部须在其下级范围内。",
    )
    dry_run = forms.BooleanField(label="仅校验，不写入", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "change").active().exclude(kind="party_group")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.SECURITY_POLICY["upload_max_bytes"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 Excel 工作簿（.xlsx）文件；旧版 .xls 请先另存为 .xlsx。")
        if upload.size > limit:
            raise forms.ValidationError(f"文件过大，上限为 {limit // 1024 // 1024} MB。")
        return upload


class ScopeRequiredMixin(LoginRequiredMixin):
    """Only users who hold `scope_action` (default "change") on some organization; others get a 403."""

    scope_action = "change"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not get_scope(request.user).allows(self.scope_action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _job_context(job_id: str, job: dict) -> dict:
    result = ImportResult.from_dict(job["result"]) if job.get("result") else None
    total = job.get("total") or 0
    done = job.get("done") or 0
    return {
        "job_id": job_id,
        "job": job,
        "result": result,
        "finished": job.get("status") in ("done", "failed"),
        "stage_label": STAGE_LABELS.get(job.get("stage"), ""),
        "percent": int(done * 100 / total) if total else 0,
    }


class MemberImportView(ScopeRequiredMixin, View):
    """The upload form; a valid upload starts a job and redirects to its page."""

    template_name = "members/member_import.html"

    def get(self, request):
        return self.render(ImportForm(user=request.user))

    def post(self, request):
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render(form)
        try:
            job_id = start_import_job(
                form.cleaned_data["file"],
                user=request.user,
                organization=form.cleaned_data["organization"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ImportBusy as error:
            form.add_error(None, str(error))
            return self.render(form)
        return redirect("members:member_import_job", job_id=job_id)

    def render(self, form, **extra):
        context = {"form": form, "nav": "members", "max_rows": settings.SECURITY_POLICY["import_max_rows"]}
        return render(self.request, self.template_name, {**context, **extra})


class MemberImportJobView(ScopeRequiredMixin, View):
    """The job's page; htmx polls it for the progress fragment until the job has finished."""

    def get(self, request, job_id):
        job = load_job(job_id, request.user)
        context = _job_context(job_id, job)
        if getattr(request, "htmx", False):
            response = render(request, "members/_import_job.html", context)
        else:
            form = ImportForm(user=request.user)
            response = render(
                request, "members/member_import.html", {**context, "form": form, "nav": "members"}
            )
        response["Cache-Control"] = "no-store"
        return response


class MemberImportErrorsView(ScopeRequiredMixin, View):
    """The job's error list as .xlsx, to fix the file row by row."""

    def get(self, request, job_id):
        job = load_job(job_id, request.user)
        if not job.get("result"):
            raise Http404("该导入任务没有错误清单。")
        result = ImportResult.from_dict(job["result"])
        workbook = xlsx.new_workbook()
        sheet = xlsx.add_sheet(workbook, "错误清单", ["行号", "列", "问题"], {"问题": 80})
        for error in result.errors:
            xlsx.append_row(sheet, [error.row or "", error.column, error.message])
        return xlsx.xlsx_response(xlsx.to_bytes(workbook), "导入错误清单.xlsx")


class MemberImportTemplateView(ScopeRequiredMixin, View):
    def get(self, request):
        return xlsx.xlsx_response(build_template(), TEMPLATE_FILENAME)


# Export ---------------------------------------------------------------------------------------------
class MemberExportView(ScopeRequiredMixin, View):
    """The roster list's current filter as .xlsx: masked by GET; full PI by POST (include_pi=1)."""

    scope_action = "export"

    def get(self, request):
        return self.export(include_pi=False)

    def post(self, request):
        return self.export(include_pi=request.POST.get("include_pi") == "1")

    def export(self, *, include_pi: bool):
        request = self.request
        queryset = Member.objects.visible_to(request.user, "export")
        filterset = MemberFilterSet(clean_query(request.GET), queryset=queryset, request=request)
        if not filterset.is_valid():
            return HttpResponseBadRequest("查询条件无效。")
        try:
            content = export_members(filterset.qs, acting_user=request.user, include_pi=include_pi)
        except ExportRefused as error:
            messages.error(request, str(error))
            query = request.GET.urlencode()
            return redirect(reverse("members:member_list") + (f"?{query}" if query else ""))
        suffix = "（含完整信息）" if include_pi else ""
        return xlsx.xlsx_response(content, f"党员名册{suffix}_{timezone.localdate():%Y%m%d}.xlsx")
