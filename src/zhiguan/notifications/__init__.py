"""Notifications: messages to citizens (SMS) through one adapter, kept in an outbox."""
