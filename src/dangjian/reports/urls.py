"""汇报材料 (reports): templates, drafts, export and figure tracing; see docs/models/reports/."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.DraftListView.as_view(), name="draft_list"),
    path("drafts/add/", views.DraftAddView.as_view(), name="draft_add"),
    path("drafts/<int:pk>/", views.DraftDetailView.as_view(), name="draft_detail"),
    path("drafts/<int:pk>/refresh/", views.DraftRefreshView.as_view(), name="draft_refresh"),
    path("drafts/<int:pk>/export/", views.DraftExportView.as_view(), name="draft_export"),
    path("templates/", views.TemplateListView.as_view(), name="template_list"),
    path("templates/add/", views.TemplateAddView.as_view(), name="template_add"),
    path("templates/<int:pk>/", views.TemplateDetailView.as_view(), name="template_detail"),
    path("templates/<int:pk>/edit/", views.TemplateEditView.as_view(), name="template_edit"),
    path("figures/", views.FigureListView.as_view(), name="figure_list"),
    path("figures/<str:key>/", views.FigureTraceView.as_view(), name="figure_trace"),
]
