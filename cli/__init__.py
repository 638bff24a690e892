"""The `kim` command line, the top layer: parses, calls one use case, prints, exits."""
