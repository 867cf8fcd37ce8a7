"""`make bench`: the load benchmark (see bench/README.md)."""
