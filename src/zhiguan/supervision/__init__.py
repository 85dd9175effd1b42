"""Supervision (督办): notices to departments about late cases, automatic escalation, the board.

Sits above `cases`: it reads cases and writes their timeline only through `cases.services`;
nothing in `cases` imports it.
"""
