"""Recorded sessions: the ibmqjob.testing plugin and its cassettes."""
