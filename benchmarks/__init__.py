"""Benchmarks of ibmqjob against the original client on the reference server (``scripts/bench``)."""
