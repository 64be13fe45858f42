from django.urls import path

from . import views

app_name = "development"
urlpatterns = [
    path("", views.FileListView.as_view(), name="file_list"),
    path("add/", views.FileAddView.as_view(), name="file_add"),
    path("files/<int:pk>/", views.FileDetailView.as_view(), name="file_detail"),
    path("files/<int:pk>/steps/", views.StepAddView.as_view(), name="step_add"),
    path("files/<int:pk>/close/", views.FileCloseView.as_view(), name="file_close"),
    path("files/<int:pk>/drafts/<str:kind>/", views.FileDraftView.as_view(), name="file_draft"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/set/", views.PlanSetView.as_view(), name="plan_set"),
    path("dual-requirements/", views.DualRequirementView.as_view(), name="dual_list"),
    path("dual-requirements/<int:pk>/end/", views.DualRequirementEndView.as_view(), name="dual_end"),
    path("statistics/<int:pk>/", views.StatisticsView.as_view(), name="statistics"),
]
