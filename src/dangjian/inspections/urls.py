from django.urls import path

from . import views, views_units

app_name = "inspections"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("mine/", views.MyUnitsView.as_view(), name="my_units"),
    path("plans/add/", views.PlanAddView.as_view(), name="plan_add"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/status/", views.PlanStatusView.as_view(), name="plan_status"),
    path("plans/<int:pk>/checklist/", views.ChecklistView.as_view(), name="checklist"),
    path("plans/<int:pk>/teams/add/", views.TeamAddView.as_view(), name="team_add"),
    path("plans/<int:pk>/samples/add/", views.SampleAddView.as_view(), name="sample_add"),
    path("plans/<int:pk>/findings/", views.FindingListView.as_view(), name="finding_list"),
    path("plans/<int:pk>/summary/", views.SummaryView.as_view(), name="summary"),
    path("plans/<int:pk>/summary.docx", views.SummaryDocxView.as_view(), name="summary_docx"),
    path("plans/<int:pk>/summary.xlsx", views.SummaryXlsxView.as_view(), name="summary_xlsx"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("teams/<int:pk>/edit/", views.TeamEditView.as_view(), name="team_edit"),
    path("teams/<int:pk>/assign/", views.TeamAssignView.as_view(), name="team_assign"),
    path("assignments/<int:pk>/end/", views.AssignmentEndView.as_view(), name="assignment_end"),
    path("units/<int:pk>/", views_units.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/visit/", views_units.VisitView.as_view(), name="unit_visit"),
    path("units/<int:pk>/results/", views_units.ResultsView.as_view(), name="result_save"),
    path("units/<int:pk>/interviews/", views_units.InterviewAddView.as_view(), name="interview_add"),
    path("units/<int:pk>/findings/", views_units.FindingAddView.as_view(), name="finding_add"),
    path("findings/<int:pk>/", views_units.FindingDetailView.as_view(), name="finding_detail"),
    path("findings/<int:pk>/evidence/", views_units.FindingEvidenceView.as_view(), name="finding_evidence"),
    path("findings/<int:pk>/rectify/", views_units.FindingRectifyView.as_view(), name="finding_rectify"),
    path("findings/<int:pk>/close/", views_units.FindingCloseView.as_view(), name="finding_close"),
    path("samples/<int:pk>/", views.SampleDetailView.as_view(), name="sample_detail"),
    path("samples/<int:pk>/originality/", views.SampleOriginalityView.as_view(), name="sample_originality"),
]
