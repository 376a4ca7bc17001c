"""One error body for the whole API: ``{"code": "...", "message": "中文说明", "errors": {field: [...]}}``.

- 400 ``invalid``: bad input, with the fields at fault in ``errors`` (nested fields are dotted:
  ``parties.0.phone``; a list's bad ``cursor``, ``page`` or ``page_size`` is named the same way);
  ``malformed`` for a body that does not parse.
- 401 ``not_authenticated`` / ``authentication_failed``: no or a bad token or session.
- 403 ``forbidden`` (the transition table refuses this role), ``csrf_failed``.
- 404 ``not_found``: the object does not exist *or is out of the user's scope* (no existence leak).
- 409: the lifecycle's conflicts (``illegal_transition``, ``stale`` when ``expected_status`` no
  longer holds, ``already_signed`` …) and a lost race on one of :data:`RACE_CONSTRAINTS`
  (``conflict``). Any other integrity error is a bug: logged as one, answered 500 ``server_error``.
The services' :class:`~cases.services.lifecycle.LifecycleError` carries its own status, code,
message and field errors; DRF's and Django's exceptions are mapped here.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from cases.services.lifecycle import LifecycleError

log = logging.getLogger(__name__)

NOT_FOUND_MESSAGE = gettext_lazy("对象不存在或无权访问")

# The constraints two requests racing past the services' checks can meet: the loser is told to
# refresh. Every other constraint guards what the services already check, so breaking it is a bug.
RACE_CONSTRAINTS = frozenset(
    {
        "assignment_one_active_per_department",
        "assignment_one_active_lead",
        "extension_one_pending",
        "return_request_one_pending",
        "hold_one_pending",
        "mediation_round_unique",
        "summons_one_open_per_department",
        "supervision_rung_once",
        "case_external_id_unique_per_source",
        "case_idempotency_key_unique_per_reporter",
        "case_number_sequence_unique",
    }
)

# DRF exception class → (code, message). The first match in the class's MRO wins. The messages
# are lazy: body() turns them into text in the request's language.
MESSAGES: dict[type[exceptions.APIException], tuple[str, str]] = {
    exceptions.ValidationError: ("invalid", gettext_lazy("提交的数据有误，请检查后重试")),
    exceptions.ParseError: ("malformed", gettext_lazy("请求内容无法解析")),
    exceptions.NotAuthenticated: ("not_authenticated", gettext_lazy("请先登录或提供 API 令牌")),
    exceptions.AuthenticationFailed: ("authentication_failed", gettext_lazy("身份验证失败：令牌无效或账号已停用")),
    exceptions.PermissionDenied: ("forbidden", gettext_lazy("您无权执行此操作")),
    exceptions.NotFound: ("not_found", NOT_FOUND_MESSAGE),
    exceptions.MethodNotAllowed: ("method_not_allowed", gettext_lazy("不支持该请求方法")),
    exceptions.NotAcceptable: ("not_acceptable", gettext_lazy("无法按请求的格式返回")),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", gettext_lazy("不支持该请求内容类型")),
    exceptions.Throttled: ("throttled", gettext_lazy("请求过于频繁，请稍后再试")),
}


@extend_schema_serializer(many=False)  # never a list, even on a list endpoint
class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    code = serializers.CharField(help_text="机器可读的错误码，如 invalid、not_found、illegal_transition、stale")
    message = serializers.CharField(help_text="说明（按请求的语言，默认中文）")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="字段错误：字段名 → 错误说明列表（嵌套字段以点连接，如 parties.0.phone）",
    )


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {dotted.field: [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            if detail:
                out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                out.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def body(code: str, message: str, errors: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "errors": errors or {}}


def _for_api_exception(exc: exceptions.APIException) -> tuple[str, str, dict]:
    code, message = next(
        (MESSAGES[klass] for klass in type(exc).__mro__ if klass in MESSAGES), ("error", str(exc.detail))
    )
    if isinstance(exc, exceptions.ValidationError):
        return code, message, flatten_errors(exc.detail)
    detail = str(exc.detail) if not isinstance(exc.detail, dict | list) else ""
    if isinstance(exc, exceptions.PermissionDenied):
        if detail.startswith("CSRF Failed"):
            return "csrf_failed", _("CSRF 校验失败：请刷新页面后重试，或使用 API 令牌"), {}
        if detail != str(exc.default_detail):  # a permission class's own message
            return code, detail, {}
    return code, message, {}


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error in the one shape above."""
    headers = {}
    if isinstance(exc, LifecycleError):
        status_code, payload = exc.status_code, body(exc.code, exc.message, exc.errors)
    elif isinstance(exc, Http404):
        status_code, payload = status.HTTP_404_NOT_FOUND, body("not_found", NOT_FOUND_MESSAGE)
    elif isinstance(exc, DjangoPermissionDenied):
        status_code, payload = status.HTTP_403_FORBIDDEN, body(*MESSAGES[exceptions.PermissionDenied])
    elif isinstance(exc, IntegrityError) and violated_constraint(exc) in RACE_CONSTRAINTS:
        log.info("integrity conflict in %s: %s", context.get("view"), exc)
        status_code, payload = status.HTTP_409_CONFLICT, body("conflict", _("数据已被他人修改，请刷新后重试"))
    elif isinstance(exc, IntegrityError):
        log.error("integrity error in %s: a bug, not a race", context.get("view"), exc_info=exc)
        status_code, payload = (
            status.HTTP_500_INTERNAL_SERVER_ERROR,
            body("server_error", _("服务器内部错误，请稍后重试")),
        )
    elif isinstance(exc, exceptions.APIException):
        status_code, payload = exc.status_code, body(*_for_api_exception(exc))
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
    else:
        return None  # a bug: let Django answer 500 and log it
    set_rollback()
    return Response(payload, status=status_code, headers=headers)


def violated_constraint(exc: IntegrityError) -> str | None:
    """The name of the constraint an integrity error broke, as PostgreSQL names it (psycopg2's
    ``diag.constraint_name``)."""
    diagnosis = getattr(exc.__cause__, "diag", None)
    return diagnosis.constraint_name if diagnosis is not None else None


@csrf_exempt  # nothing is there to protect: a POST answers 404 like a GET, not the CSRF check's 403
def unknown_path(request, *args, **kwargs) -> JsonResponse:
    """A path under /api/ that matches nothing (``/api/cases/AAA/accept/`` too: not an id): the
    same 404 body as a missing object, whoever asks and however, not Django's HTML page."""
    return JsonResponse(body("not_found", NOT_FOUND_MESSAGE), status=404)
