from django.urls import path

from . import views

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
