"""Loaders: one module per source format; :func:`read` recognises a file by its content."""
