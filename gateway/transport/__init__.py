"""Transports: where files come from and go to."""
