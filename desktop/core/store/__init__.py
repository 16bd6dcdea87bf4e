"""The case folder and its log: create, open, append, read back, durable writes."""
