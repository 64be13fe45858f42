"""Request-wide middleware: request id and client address for the audit trail."""

from . import request_context


def client_ip(request) -> str | None:
    """The client address as axes sees it (honours the configured proxy settings)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_context.activate(client_ip(request), request.path)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_context.current().request_id
            return response
        finally:
            request_context.deactivate(token)
