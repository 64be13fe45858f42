from django.urls import path

from . import views, views_io

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="member_list"),
    path("add/", views.MemberCreateView.as_view(), name="member_add"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("<int:pk>/reveal/", views.MemberRevealView.as_view(), name="member_reveal"),
    path("<int:pk>/status/", views.MemberStatusView.as_view(), name="member_status"),
    path("<int:pk>/transfer/", views.MemberTransferView.as_view(), name="member_transfer"),
    path("<int:pk>/positions/add/", views.PositionCreateView.as_view(), name="position_add"),
    path("<int:pk>/positions/<int:position_pk>/end/", views.PositionEndView.as_view(), name="position_end"),
]
urlpatterns += [
    path("import/", views_io.MemberImportView.as_view(), name="member_import"),
    path("import/template/", views_io.MemberImportTemplateView.as_view(), name="member_import_template"),
    path("import/<slug:job_id>/", views_io.MemberImportJobView.as_view(), name="member_import_job"),
    path(
        "import/<slug:job_id>/errors/", views_io.MemberImportErrorsView.as_view(), name="member_import_errors"
    ),
    path("export/", views_io.MemberExportView.as_view(), name="member_export"),
]
