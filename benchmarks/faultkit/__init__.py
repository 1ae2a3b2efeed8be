"""Fault injection for the SDK: a proxy that breaks the wire, and scenarios that use it."""
