"""What leaves the case: the report model, the PDF exhibit and the bundle."""
