from django.urls import path

from . import views

app_name = "originality"
urlpatterns = [
    path("", views.CheckListView.as_view(), name="check_list"),
    path("run/", views.CheckRunView.as_view(), name="check_run"),
    path("checks/<int:pk>/", views.CheckDetailView.as_view(), name="check_detail"),
    path("pairs/<int:pk>/", views.PairDetailView.as_view(), name="pair_detail"),
    path("references/", views.ReferenceTextListView.as_view(), name="referencetext_list"),
    path("references/import/", views.ReferenceTextImportView.as_view(), name="referencetext_import"),
    path("references/<int:pk>/", views.ReferenceTextDetailView.as_view(), name="referencetext_detail"),
    path(
        "references/<int:pk>/withdraw/",
        views.ReferenceTextWithdrawView.as_view(),
        name="referencetext_withdraw",
    ),
]
