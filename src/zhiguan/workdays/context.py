def calendar_warnings(request: object) -> dict:
    return {}
