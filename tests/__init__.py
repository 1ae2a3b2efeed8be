"""The test suite, one package per tier; helpers are imported as ``tests.<tier>.<module>``.

``tests/integration/legacy/`` is not a package: its scripts also run on their own in the
original client's virtualenv, where they import one another as top-level modules.
"""
