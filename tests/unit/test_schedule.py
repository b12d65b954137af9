"""The weekly schedule: when it fires (Prefect's own cron class) and what the deployment says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from prefect.client.schemas.objects import ConcurrencyLimitStrategy
from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule

from flows.orchestration.serve import (
    DEPLOYMENT_NAME,
    build_deployment,
    deployment_parameters,
    next_run_times,
)
from flows.settings import Settings

SHANGHAI = timezone(timedelta(hours=8))
CRON, TZ = "0 8 * * 1", "Asia/Shanghai"


def test_settings_default_to_monday_eight_in_shanghai() -> None:
    settings = Settings()
    assert (settings.schedule_cron, settings.schedule_timezone) == (CRON, TZ)


def test_next_three_runs_are_mondays_at_eight_shanghai_time() -> None:
    runs = next_run_times(CRON, TZ, datetime(2026, 11, 28, tzinfo=UTC), 3)
    assert runs == [
        datetime(2026, 11, 30, 8, tzinfo=SHANGHAI),
        datetime(2026, 12, 7, 8, tzinfo=SHANGHAI),
        datetime(2026, 12, 14, 8, tzinfo=SHANGHAI),
    ]
    # Monday 08:00 in Shanghai is Monday 00:00 UTC.
    assert runs[0] == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    assert all(r.utcoffset() == timedelta(hours=8) and r.weekday() == 0 for r in runs)


def test_friday_evening_utc_still_lands_on_monday() -> None:
    # Sunday 23:59:59 UTC is already Monday 07:59:59 in Shanghai: one second before the run.
    assert next_run_times(CRON, TZ, datetime(2026, 11, 29, 23, 59, 59, tzinfo=UTC), 1) == [
        datetime(2026, 11, 30, 8, tzinfo=SHANGHAI)]
    # Friday evening UTC (Saturday morning in Shanghai) waits for that same Monday.
    assert next_run_times(CRON, TZ, datetime(2026, 11, 27, 20, tzinfo=UTC), 1) == [
        datetime(2026, 11, 30, 8, tzinfo=SHANGHAI)]


def test_a_run_time_itself_is_not_next() -> None:
    monday = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    assert next_run_times(CRON, TZ, monday, 1) == [datetime(2026, 12, 7, 8, tzinfo=SHANGHAI)]


def test_deployment_carries_cron_timezone_limit_and_parameters() -> None:
    params = {"warehouse_path": "/data/w.duckdb", "out_dir": "/data/briefs", "table_rows": 40}
    deployment = build_deployment(CRON, TZ, parameters=params)
    assert deployment.name == DEPLOYMENT_NAME
    assert deployment.flow_name == "barometer-brief"
    assert deployment.entrypoint == "flows.orchestration.pipeline.barometer_brief"
    [schedule] = deployment.schedules
    assert isinstance(schedule.schedule, CronSchedule)
    assert (schedule.schedule.cron, schedule.schedule.timezone) == (CRON, TZ)
    assert schedule.active
    assert deployment.concurrency_limit == 1
    assert deployment.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.ENQUEUE
    assert deployment.parameters == params
    assert deployment.paused is False


def test_interval_deployment_for_trying_it_out() -> None:
    deployment = build_deployment(CRON, TZ, parameters={}, interval_seconds=5)
    [schedule] = deployment.schedules
    assert isinstance(schedule.schedule, IntervalSchedule)
    assert schedule.schedule.interval == timedelta(seconds=5)
    assert deployment.concurrency_limit == 1


def test_parameters_are_absolute_path_strings(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(warehouse_path=Path("w.duckdb"), briefs_dir=Path("briefs"))
    params = deployment_parameters(settings)["settings"]
    assert params["warehouse_path"] == str(tmp_path / "w.duckdb")
    assert params["out_dir"] == str(tmp_path / "briefs")
    assert all(isinstance(params[k], str) and Path(params[k]).is_absolute() for k in (
        "warehouse_path", "out_dir", "seeds_dir", "sources_path", "inbox_dir", "snapshot_path"))
    assert "as_of" not in params  # each run reports what is known on its own day
    assert "raw_dir" not in params


def test_the_deployments_parameters_fit_the_flows_schema_and_hold_no_secret() -> None:
    from prefect.utilities.schema_tools import validate

    from flows.settings import RunSettings

    settings = Settings(notify_urls="mailtos://analyst:s3cret-pw@mail.example.org")
    params = deployment_parameters(settings)
    deployment = build_deployment(CRON, TZ, parameters=params)
    schema = deployment._parameter_openapi_schema.model_dump()
    assert validate(params, schema) == []  # what the server checks before it creates a run
    assert validate({"settings": {**params["settings"], "table_rows": "many"}}, schema)
    # The run gets back the settings serve made, waiting for a manual run as long as set.
    run = RunSettings.model_validate(params["settings"])
    assert run == RunSettings.from_settings(settings, lock_wait_seconds=1800.0)
    assert run.lock_wait_seconds == settings.scheduled_run_wait
    assert "s3cret" not in str(params)  # the server stores and shows parameters


def test_a_run_refused_for_the_concurrency_limit_is_a_warning_that_says_why() -> None:
    import logging

    from flows.orchestration.serve import ConcurrencyWarning

    record = logging.LogRecord(
        "prefect.runner.state_proposer", logging.INFO, __file__, 1,
        "Aborted submission of flow run '%s': Server returned a non-pending state %r",
        ("abc", "SCHEDULED"), None)
    assert ConcurrencyWarning().filter(record)
    assert record.levelno == logging.WARNING and record.levelname == "WARNING"
    message = record.getMessage()
    assert message.startswith("Aborted submission of flow run 'abc'")
    assert "Deployment concurrency limit reached" in message
    other = logging.LogRecord("prefect.runner", logging.INFO, __file__, 1, "polling", (), None)
    assert ConcurrencyWarning().filter(other) and other.levelno == logging.INFO


def test_prefect_yaml_registers_the_same_deployment_on_a_process_pool(tmp_path) -> None:
    import yaml

    from flows.orchestration.deploy_config import write_prefect_yaml
    from flows.paths import ROOT

    params = deployment_parameters(Settings())
    path = write_prefect_yaml(tmp_path / "prefect.yaml", params, "0 8 * * 1", "Asia/Shanghai",
                              "barometer")
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    (deployment,) = spec["deployments"]
    assert deployment["name"] == DEPLOYMENT_NAME
    file, _, function = deployment["entrypoint"].partition(":")
    assert (ROOT / file).is_file() and function == "barometer_brief"
    assert deployment["schedules"] == [{"cron": "0 8 * * 1", "timezone": "Asia/Shanghai",
                                        "active": True}]
    assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
    assert deployment["work_pool"]["name"] == "barometer"
    assert deployment["parameters"] == params
    pull = spec["pull"][0]["prefect.deployments.steps.set_working_directory"]
    assert pull["directory"] == str(ROOT)
    assert path.read_text(encoding="utf-8").startswith("# Written by barometer")


def test_status_says_plainly_when_no_server_answers(tmp_path) -> None:
    import io

    from rich.console import Console

    from flows.orchestration.prefect_server import free_port
    from flows.orchestration.status import gather_status
    from flows.orchestration.status_view import print_status

    port = free_port()
    found = gather_status(tmp_path / "none.duckdb", tmp_path, port)
    assert not found.server_up
    out = io.StringIO()
    print_status(Console(file=out, width=200), found)
    text = out.getvalue()
    assert f"server: down — no Prefect server answers at http://127.0.0.1:{port}/api" in text
    assert "Start it with `barometer serve`" in text
    assert "latest brief: none yet" in text
