"""Reminders: rules, the planner that fills the outbox, the SMTP sender and the scheduler."""
