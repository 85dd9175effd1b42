"""The report's tasks: generating one report, and the monthly delivery to leaders (checked hourly,
delivered on the 1st, once per leader and month)."""

from __future__ import annotations

from zhiguan.celery import app


@app.task(name="report.generate")
def generate(report_id: int) -> str:
    from zhiguan.assessment.report import services

    return str(services.generate(report_id=report_id).status)


@app.task(name="report.monthly_delivery")
def monthly_delivery() -> int:
    from django.utils import translation

    from zhiguan.assessment.report import services

    # A periodic job has no request: the messages are in the platform's language (Chinese).
    with translation.override("zh-hans"):
        return services.deliver_monthly()


# Hourly: the first run on the 1st delivers; later runs find every leader's report made.
app.add_periodic_task(3600.0, app.signature("report.monthly_delivery"), name="report-monthly-delivery")
