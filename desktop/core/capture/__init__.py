"""Screen capture: backends, targets, honest-frame checks, encoding and interval capture."""
