"""Integration tier: the SDK, the reference server and the validator, for real."""
