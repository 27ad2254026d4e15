"""Wire formats: detection, parsing, serialising and envelopes."""
