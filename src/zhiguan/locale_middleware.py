"""Which language a page speaks: Chinese first, English when the person chose it.

Django's LocaleMiddleware follows the browser's Accept-Language, so an official whose browser runs
in English would get the admin and the error pages in English while the console (Chinese by
default) stays Chinese. Pages outside the API speak Chinese unless the language cookie says
otherwise (the console's language switch sets it, `web/src/i18n/index.ts`); the API keeps following
Accept-Language, which the console sends from its own choice and machine clients set themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and translation.check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
