"""Replay tier: the SDK against recorded cassettes."""
