"""The mapping engine: standard <-> canonical, driven by files in mappings/."""
