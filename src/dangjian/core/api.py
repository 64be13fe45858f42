"""API building blocks: every viewset reads through `visible_to()` and writes through services."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, viewsets


class ScopedViewSet(viewsets.GenericViewSet):
    """Out-of-scope objects are 404, exactly as in the UI."""

    model = None

    def get_queryset(self):
        action = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return self.model.objects.visible_to(self.request.user, action)


def call_service(fn, *args, **kwargs):
    """Run a service, turning Django's errors into DRF's (400 with field messages, 403)."""
    try:
        return fn(*args, **kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise exceptions.ValidationError(detail) from error
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from error
