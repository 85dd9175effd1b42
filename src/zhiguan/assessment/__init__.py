"""Assessment and analysis: department evaluation, the dashboard, the monthly report, forecasts (issue 13).

Reads cases, supervision and intelligence through their queries and never writes them.
"""
