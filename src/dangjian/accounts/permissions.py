"""DRF permissions of the accounts layer (kept apart from views: DRF imports it from settings)."""

from rest_framework import permissions

from .middleware import password_change_required


class PasswordCurrent(permissions.BasePermission):
    """The API refuses a user whose password is initial or expired, as the pages do (等保 A1/A3)."""

    message = "请先登录网页修改初始密码或已过期的密码。"

    def has_permission(self, request, view):

        user = request.user
        return not (user and user.is_authenticated and password_change_required(user))
