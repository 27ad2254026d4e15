"""Stages, the runner and the retry policy."""
