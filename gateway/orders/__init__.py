"""The order engine."""
