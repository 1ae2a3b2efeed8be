"""Conformance suite: scenarios, recorded sessions and a validator for servers of the job API."""
