"""Cross-border e-commerce barometer: flows, tasks and the plain functions they call."""
