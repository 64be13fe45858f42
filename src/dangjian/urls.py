from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .accounts.urls import management_patterns

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("quality/", views.QualityView.as_view(), name="quality"),
    path("accounts/", include("dangjian.accounts.urls")),
    path("users/", include(management_patterns)),
    path("organizations/", include("dangjian.organizations.urls")),
    path("members/", include("dangjian.members.urls")),
    path("audit/", include("dangjian.audit.urls")),
    path("activities/", include("dangjian.activities.urls")),
    path("life/", include("dangjian.activities.extensions.urls")),
    path("study/", include("dangjian.study.urls")),
    path("exams/", include("dangjian.exams.urls")),
    path("originality/", include("dangjian.originality.urls")),
    path("development/", include("dangjian.development.urls")),
    path("youth/", include("dangjian.youth.urls")),
    path("tasks/", include("dangjian.tasks.urls")),
    path("targets/", include("dangjian.targets.urls")),
    path("inspections/", include("dangjian.inspections.urls")),
    path("evaluation/", include("dangjian.evaluation.urls")),
    path("surveys/", include("dangjian.surveys.urls")),
    path("feedback/", include("dangjian.feedback.urls")),
    path("statistics/", include("dangjian.statistics.urls")),
    path("reports/", include("dangjian.reports.urls")),
    path("dashboards/", include("dangjian.dashboards.urls")),
    path("api/v1/organizations/", include("dangjian.organizations.api.urls")),
    path("api/v1/members/", include("dangjian.members.api.urls")),
    path("api/v1/activities/", include("dangjian.activities.api.urls")),
    path("api/v1/study/", include("dangjian.study.api.urls")),
    path("api/v1/exams/", include("dangjian.exams.api.urls")),
    path("api/v1/originality/", include("dangjian.originality.api.urls")),
    path("api/v1/development/", include("dangjian.development.api.urls")),
    path("api/v1/youth/", include("dangjian.youth.api.urls")),
    path("api/v1/tasks/", include("dangjian.tasks.api.urls")),
    path("api/v1/targets/", include("dangjian.targets.api.urls")),
    path("api/v1/inspections/", include("dangjian.inspections.api.urls")),
    path("api/v1/evaluation/", include("dangjian.evaluation.api.urls")),
    path("api/v1/surveys/", include("dangjian.surveys.api.urls")),
    path("api/v1/feedback/", include("dangjian.feedback.api.urls")),
    path("api/v1/statistics/", include("dangjian.statistics.api.urls")),
    path("api/v1/reports/", include("dangjian.reports.api.urls")),
    path("api/v1/dashboards/", include("dangjian.dashboards.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (our CSP forbids inline scripts); its
    # template still carries one small <style> block, allowed on this page only.
    path(
        "api/docs/",
        login_required(
            csp_update({"style-src": ["'unsafe-inline'"]})(
                SpectacularSwaggerSplitView.as_view(url_name="api-schema")
            )
        ),
        name="api-docs",
    ),
]
