"""The OpenAPI schema: every operation lists the errors it can answer, in the one error shape."""

from __future__ import annotations

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.openapi import AutoSchema

from cases.api.errors import ErrorSerializer


class CountedTokenScheme(KnoxTokenScheme):
    """Our knox authentication (bad tokens counted) is documented as knox's token scheme."""

    target_class = "governance.throttles.CountedTokenAuthentication"


DESCRIPTIONS = {
    "400": "输入有误：errors 中列出各字段的问题",
    "401": "未登录或令牌无效",
    "403": "无权执行（如流转规则不允许当前角色），或 CSRF 校验失败",
    "404": "对象不存在或不在您的权限范围内",
    "409": "状态冲突：案件当前状态不允许该操作，或状态已被他人改变（expected_status）",
    "429": (
        "请求过于频繁：超过该账号（外部推送按服务账号另计、更严）或该地址的频率上限"
        "（含无效令牌次数），Retry-After 秒后再试"
    ),
}


class ApiSchema(AutoSchema):
    """drf-spectacular's AutoSchema, adding the error responses each operation can give."""

    def _error_codes(self) -> list[str]:
        codes = ["401", "403", "429"]  # 429: every operation is throttled (governance/throttles.py)
        is_list = self.method == "GET" and self._is_list_view()
        if self.method != "GET" or is_list or self.get_override_parameters():  # a body or query to check
            codes.append("400")
        if "{" in self.path:  # a path id that does not exist or is out of scope
            codes.append("404")
        if self.method == "POST":
            codes.append("409")
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = DESCRIPTIONS[code]
                responses[code] = response
        return responses
