"""Demonstration data: `flask seed-demo`, its users and the sample data it loads."""

from tracker.demo.cli import DEMO_USERS, DemoUser, seed_demo_command, seed_demo_users

__all__ = ["DEMO_USERS", "DemoUser", "seed_demo_command", "seed_demo_users"]
