"""Reference server of the IBM Quantum job API, running circuits on a real simulator."""
