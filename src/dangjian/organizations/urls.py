from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.OrganizationTreeView.as_view(), name="organization_tree"),
    path("list/", views.OrganizationListView.as_view(), name="organization_list"),
    path("<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("<int:pk>/children/", views.OrganizationChildrenView.as_view(), name="organization_children"),
    path("<int:parent_pk>/add/", views.OrganizationCreateView.as_view(), name="organization_add"),
    path("<int:pk>/edit/", views.OrganizationEditView.as_view(), name="organization_edit"),
    path("<int:pk>/move/", views.OrganizationMoveView.as_view(), name="organization_move"),
]
