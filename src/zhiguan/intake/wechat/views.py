"""The callback URL entered on the WeChat platform (服务器配置 → URL): /wechat/<district code>.

A plain Django view, not the JSON API: WeChat reads plain text and XML, and signs its requests
itself (no CSRF token, no log-in)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from zhiguan.intake.wechat import services


def _params(request: HttpRequest) -> dict[str, str]:
    # Only the names WeChat sends, each at most 128 characters (a longer one cannot be WeChat's).
    names = ("signature", "timestamp", "nonce", "echostr", "openid", "encrypt_type", "msg_signature")
    return {name: request.GET.get(name, "")[:128] for name in names}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest, code: str) -> HttpResponse:
    if request.method == "GET":
        answer = services.verify_url(jurisdiction_code=code, params=_params(request))
    else:
        answer = services.receive(jurisdiction_code=code, params=_params(request), body=request.body)
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
