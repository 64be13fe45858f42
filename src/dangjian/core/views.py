"""View building blocks shared by every app: scoping and service-backed forms."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404


class ScopedViewMixin(LoginRequiredMixin):
    """Rows come only from `model.objects.visible_to(user, action)`; anything else is a 404."""

    model = None
    scope_action = "view"

    target_kwarg = None  # the URL argument naming the one object the view is about, if any

    def dispatch(self, request, *args, **kwargs):
        """Anonymous → login; holding `scope_action` nowhere → 403; target out of scope → 404."""
        from dangjian.accounts.scope import get_scope

        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.scope_action != "view" and not get_scope(request.user).allows(self.scope_action):
            raise PermissionDenied
        if self.target_kwarg:
            self.target = get_object_or_404(self.get_queryset(), pk=kwargs[self.target_kwarg])
        return super().dispatch(request, *args, **kwargs)

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
