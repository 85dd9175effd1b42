"""The landing page. The Vue console replaces it once built (web/)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "zhiguan/home.html")
