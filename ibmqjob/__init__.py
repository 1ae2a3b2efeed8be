"""ibmqjob: a spec-driven SDK for the IBM Quantum legacy job API."""
