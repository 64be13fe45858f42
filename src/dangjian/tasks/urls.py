from django.urls import path

from . import views, views_keylist

app_name = "tasks"
urlpatterns = [
    path("", views.TaskListView.as_view(), name="task_list"),
    path("add/", views.TaskIssueView.as_view(), name="task_add"),
    path("<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("<int:pk>/cancel/", views.TaskCancelView.as_view(), name="task_cancel"),
    path("<int:pk>/attachment/", views.TaskAttachmentView.as_view(), name="task_attachment"),
    path("mine/", views.InboxView.as_view(), name="inbox"),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment_detail"),
    path("assignments/<int:pk>/accept/", views.AcceptView.as_view(), name="assignment_accept"),
    path("assignments/<int:pk>/report/", views.ReportView.as_view(), name="assignment_report"),
    path("assignments/<int:pk>/confirm/", views.ConfirmView.as_view(), name="assignment_confirm"),
    path("assignments/<int:pk>/return/", views.ReturnView.as_view(), name="assignment_return"),
    path("assignments/<int:pk>/follow-up/", views.FollowUpView.as_view(), name="followup_add"),
    path("reports/<int:pk>/evidence/", views.EvidenceView.as_view(), name="report_evidence"),
    path("bulletins/<int:pk>/publish/", views.BulletinPublishView.as_view(), name="bulletin_publish"),
    path("key-lists/", views_keylist.KeyListListView.as_view(), name="keylist_list"),
    path("key-lists/add/", views_keylist.KeyListAddView.as_view(), name="keylist_add"),
    path("key-lists/<int:pk>/", views_keylist.KeyListDetailView.as_view(), name="keylist_detail"),
    path("key-lists/<int:pk>/export/", views_keylist.KeyListExportView.as_view(), name="keylist_export"),
    path("calendar/", views_keylist.ScheduleListView.as_view(), name="schedule_list"),
    path("calendar/<int:pk>/", views_keylist.ScheduleDetailView.as_view(), name="schedule_detail"),
]
