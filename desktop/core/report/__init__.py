"""Reports and bundles: the PDF exhibit and the portable evidence bundle."""
