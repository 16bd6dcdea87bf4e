"""What makes it evidence: verify, trusted time, and the one resolver of case paths."""
