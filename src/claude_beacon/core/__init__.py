"""The pure core: parsing, normalising, diffing and scheduling.

Nothing in this package performs I/O, reads the clock or draws random numbers of its own:
times and random generators are arguments. A test enforces that it imports only the standard
library's pure modules and itself.
"""
