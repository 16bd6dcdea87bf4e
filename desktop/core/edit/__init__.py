"""Redaction and annotation of captures, as logged derived images."""
