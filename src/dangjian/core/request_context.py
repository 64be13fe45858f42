"""Who is acting, from where: read by the audit trail without passing the request around."""

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None = None
    path: str = ""


_current = contextvars.ContextVar("dangjian_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def activate(ip_address: str | None = None, path: str = "") -> contextvars.Token:
    return _current.set(RequestContext(uuid.uuid4().hex, ip_address, path))


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
