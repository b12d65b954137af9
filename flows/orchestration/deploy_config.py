"""`prefect.yaml`: the same `weekly-brief` deployment as `barometer serve`, on a process work pool.

`barometer serve` writes it beside the project (and `barometer deploy-config` on demand), so
that `prefect --no-prompt deploy --all` registers the deployment for workers
(`barometer worker`): same schedule, parameters, concurrency limit and heartbeats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from flows.orchestration.heal import DEPLOYMENT_NAME
from flows.paths import ROOT

HEARTBEAT_SECONDS = 30  # Prefect's minimum; the zombie automation waits for 3 missed beats
HEADER = ("# Written by barometer (flows/orchestration/deploy_config.py) from the BAROMETER_* "
          "settings; regenerate,\n# do not edit: `barometer deploy-config`. Register it with:\n"
          "#   prefect --no-prompt deploy --all\n")


def deployment_spec(parameters: dict[str, Any], cron: str, timezone: str, pool: str,
                    project_dir: Path = ROOT) -> dict[str, Any]:
    """The prefect.yaml document for the deployment, as a dict."""
    from prefect import __version__

    return {
        "name": "barometer",
        "prefect-version": __version__,
        # Workers run the flow from the project folder: the same path on every machine.
        "pull": [{"prefect.deployments.steps.set_working_directory": {
            "directory": str(project_dir)}}],
        "deployments": [{
            "name": DEPLOYMENT_NAME,
            "description": "The weekly barometer brief (a process work pool; docs/scheduling.md).",
            "entrypoint": "flows/orchestration/pipeline.py:barometer_brief",
            "parameters": parameters,
            "work_pool": {"name": pool, "job_variables": {
                "env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_SECONDS)}}},
            "schedules": [{"cron": cron, "timezone": timezone, "active": True}],
            # One brief at a time; a run that finds the slot taken waits for it.
            "concurrency_limit": {"limit": 1, "collision_strategy": "ENQUEUE"},
        }],
    }


def write_prefect_yaml(target: Path, parameters: dict[str, Any], cron: str, timezone: str,
                       pool: str, project_dir: Path = ROOT) -> Path:
    """Write prefect.yaml atomically; return its path."""
    spec = deployment_spec(parameters, cron, timezone, pool, project_dir)
    text = HEADER + yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    return target
