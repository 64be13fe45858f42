"""Errors shared by every capability's services."""

from django.core.exceptions import ValidationError


class StaleRecordError(ValidationError):
    """The record changed since it was loaded (optimistic locking): the API answers 409."""
