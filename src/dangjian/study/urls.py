from django.urls import path

from . import views, views_courses, views_notes

app_name = "study"
urlpatterns = [
    path("", views.StudyIndexView.as_view(), name="index"),
    path("mine/", views.MyStudyView.as_view(), name="mine"),
    path("org/<int:pk>/", views.OrganizationStudyView.as_view(), name="organization"),
    path("org/<int:pk>/print/", views.ProgressPrintView.as_view(), name="progress_print"),
    path("org/<int:pk>/export/", views.ProgressExportView.as_view(), name="progress_export"),
    path("org/<int:pk>/plans/add/", views.PlanCreateView.as_view(), name="plan_add"),
    path("org/<int:pk>/courses/add/", views_courses.CourseCreateView.as_view(), name="course_add"),
    path("org/<int:pk>/points/", views_notes.PointsSettingView.as_view(), name="points_setting"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/publish/", views.PlanPublishView.as_view(), name="plan_publish"),
    path("plans/<int:pk>/items/add/", views.ItemCreateView.as_view(), name="item_add"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/completions/", views.CompletionView.as_view(), name="completion_add"),
    path("items/<int:pk>/done/", views.OwnCompletionView.as_view(), name="completion_mine"),
    path("courses/<int:pk>/", views_courses.CourseDetailView.as_view(), name="course_detail"),
    path("courses/<int:pk>/sessions/add/", views_courses.SessionCreateView.as_view(), name="session_add"),
    path("courses/<int:pk>/enroll/", views_courses.EnrollView.as_view(), name="enrollment_add"),
    path(
        "sessions/<int:pk>/attendance/",
        views_courses.SessionAttendanceView.as_view(),
        name="session_attendance",
    ),
    path("enrollments/<int:pk>/certificate/", views_courses.CertificateView.as_view(), name="certificate"),
    path("notes/add/", views_notes.NoteCreateView.as_view(), name="note_add"),
    path("notes/<int:pk>/", views_notes.NoteDetailView.as_view(), name="note_detail"),
    path("notes/<int:pk>/review/", views_notes.NoteReviewView.as_view(), name="note_review"),
]
