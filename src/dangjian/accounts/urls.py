from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("token/", views.ApiTokenView.as_view(), name="api_token"),
]

# Account management (namespace "accounts").
management_patterns = (
    [
        path("", views.UserListView.as_view(), name="user_list"),
        path("add/", views.UserCreateView.as_view(), name="user_add"),
        path("<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
        path("<int:pk>/<slug:action>/", views.UserActionView.as_view(), name="user_action"),
    ],
    "accounts",
)
