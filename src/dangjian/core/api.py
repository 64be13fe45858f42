"""API building blocks: every viewset reads through `visible_to()` and writes through services."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, permissions, viewsets

from .exceptions import StaleRecordError


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "记录已被他人修改，请重新读取后再提交。"
    default_code = "conflict"


class ScopedViewSet(viewsets.GenericViewSet):
    """Out-of-scope objects are 404, exactly as in the UI."""

    model = None

    def initial(self, request, *args, **kwargs):
        """A write by a user who may change nothing anywhere is 403 (as in the UI), not 404."""
        from dangjian.accounts.scope import get_scope

        super().initial(request, *args, **kwargs)
        if request.method not in permissions.SAFE_METHODS and not get_scope(request.user).allows("change"):
            raise exceptions.PermissionDenied("无权修改数据。")

    def get_queryset(self):
        action = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return self.model.objects.visible_to(self.request.user, action)


def call_service(fn, *args, **kwargs):
    """Run a service, turning Django's errors into DRF's (400 with field messages, 403)."""
    try:
        return fn(*args, **kwargs)
    except StaleRecordError as error:
        raise Conflict(error.messages[0]) from error
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise exceptions.ValidationError(detail) from error
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from error
