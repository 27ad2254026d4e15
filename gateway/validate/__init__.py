"""Checks that return issues: envelope, structure, business rules."""
