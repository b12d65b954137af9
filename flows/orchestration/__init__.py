"""Prefect: the flow, its tasks, the schedule, the local server, healing, status."""
