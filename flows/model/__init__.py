"""The records every part shares: a release and its figures, units, warnings."""
