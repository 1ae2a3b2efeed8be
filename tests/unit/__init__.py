"""Unit tier: each module against fakes, no network, no wall time."""
