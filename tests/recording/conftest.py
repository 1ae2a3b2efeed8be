"""The sample user project is run by the tests of this folder, never collected by them."""

collect_ignore = ["sample_project"]
