"""Intake: how requests reach the platform from outside, and what the citizen sees of them.

Today the citizen portal (submit, follow, rate) and the rating link; the intake channels (Open311,
WeChat, other hotlines' exchanges) belong here too. `cases` knows nothing of this app: intake
registers and acts through `cases.services` and listens to `cases.events.case_changed`.
"""
