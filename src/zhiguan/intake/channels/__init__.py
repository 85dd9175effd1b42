"""Intake channels that are not a person at a form: the hotline bridge and caller history, video
analytics and drone events, sensor alarms (docs/decisions/079-intake-channels.md)."""
