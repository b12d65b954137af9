"""Prefect tasks: thin wrappers that log and hand plain values between the plain functions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.logging import get_run_logger

from flows.brief_data import collect_brief
from flows.load import load_seeds
from flows.render import render_brief
from flows.transform import build_warehouse, enforce_blocking, run_checks


@task(name="load releases")
def load_task(warehouse_path: Path, seeds_dir: Path) -> list[str]:
    """Load reference seeds and curated releases; return a warning per refused release."""
    logger = get_run_logger()
    summary = load_seeds(warehouse_path, seeds_dir)
    logger.info("loaded %d release(s), %d already present", len(summary.loaded),
                len(summary.unchanged))
    warnings = []
    for error in summary.rejected:
        logger.warning("%s", error)
        warnings.append(str(error))
    return warnings


@task(name="transform")
def transform_task(warehouse_path: Path) -> int:
    """Build staging, marts, views and checks in SQL; return how many files ran."""
    ran = build_warehouse(warehouse_path)
    get_run_logger().info("built %d SQL objects", len(ran))
    return len(ran)


@task(name="checks")
def checks_task(warehouse_path: Path, as_of: date) -> list[dict[str, Any]]:
    """Run every check; fail on blocking errors, log the rest for the brief."""
    logger = get_run_logger()
    findings = run_checks(warehouse_path, as_of)
    for finding in findings:
        logger.warning("%s: %s", finding["severity"], finding["message"])
    enforce_blocking(findings)
    logger.info("%d finding(s), none blocking", len(findings))
    return findings


@task(name="render brief")
def render_task(warehouse_path: Path, out_dir: Path, as_of: date, warnings: list[str],
                author: str, table_rows: int) -> dict[str, Any]:
    """Collect the brief's data and render the PDF; return its path and headline lines."""
    data = collect_brief(warehouse_path, as_of, datetime.now(UTC), table_rows,
                         warnings)
    pdf = render_brief(data, out_dir, author)
    get_run_logger().info("brief written to %s", pdf)
    return {
        "pdf": str(pdf),
        "headlines": [f"{h['metric_name']}, {h['period_label']}: "
                      f"{h['value_text'] if h['value'] is not None else h['yoy_text']}"
                      for h in data.headlines],
        "findings": len(data.findings),
        "warnings": data.warnings,
    }


@task(name="summarise run")
def summary_task(rendered: dict[str, Any], findings: list[dict[str, Any]]) -> None:
    """Publish a markdown artifact: headline figures, findings and the brief's path."""
    lines = ["# Barometer brief", "", f"Brief: `{rendered['pdf']}`", "", "## Headline figures"]
    lines += [f"- {line}" for line in rendered["headlines"]]
    lines += ["", f"## Findings ({len(findings)})"]
    lines += [f"- **{f['severity']}**: {f['message']}" for f in findings] or ["- none"]
    if rendered["warnings"]:
        lines += ["", "## Warnings"] + [f"- {w}" for w in rendered["warnings"]]
    create_markdown_artifact(key="barometer-brief", markdown="\n".join(lines),
                             description="Headline figures, findings and the brief's path")
