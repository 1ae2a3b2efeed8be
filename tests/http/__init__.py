"""HTTP tier: the wire layer against a mock transport."""
