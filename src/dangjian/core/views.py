"""View building blocks shared by every app: scoping and service-backed forms."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError


class ScopedViewMixin(LoginRequiredMixin):
    """Rows come only from `model.objects.visible_to(user, action)`; anything else is a 404."""

    model = None
    scope_action = "view"

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user, self.scope_action)


class ServiceFormMixin:
    """Turn a service's ValidationError/PermissionDenied into form errors instead of a 500."""

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                form.add_error(None, error.messages)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error) or "无权执行此操作。")
            return self.form_invalid(form)
        return self.redirect_after()

    def perform(self, form):
        raise NotImplementedError

    def redirect_after(self):
        from django.shortcuts import redirect

        return redirect(self.object.get_absolute_url())


def clean_query(data):
    """A copy of a QueryDict without empty values (a "全部" option submits `status=`)."""
    cleaned = data.copy()
    for key in list(cleaned.keys()):
        values = [value for value in cleaned.getlist(key) if value != ""]
        if values:
            cleaned.setlist(key, values)
        else:
            del cleaned[key]
    return cleaned


class FilterFormMixin:
    """For django-filter views: ignore empty parameters."""

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if kwargs.get("data") is not None:
            kwargs["data"] = clean_query(kwargs["data"])
        return kwargs
