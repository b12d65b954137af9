"""Progress: a spinner names the current step on a terminal; nothing changes otherwise."""

from __future__ import annotations

import io
import logging

from rich.console import Console
from rich.progress import Progress

from flows.progress import PREFECT_LOGGERS, StepHandler, run_progress


def test_the_step_and_its_message_become_the_progress_line() -> None:
    progress = Progress(console=Console(file=io.StringIO()))
    task_id = progress.add_task("starting", total=None)
    handler = StepHandler(progress, task_id)
    record = logging.LogRecord("prefect.task_runs", logging.INFO, __file__, 1,
                               "loaded %d release(s)", (3,), None)
    record.task_run_name = "collect gacc-press-releases"
    handler.emit(record)
    assert progress.tasks[0].description == (
        "[bold]collect gacc-press-releases[/bold] loaded 3 release(s)")


def test_on_a_terminal_the_handler_is_attached_and_console_lines_are_quieted() -> None:
    console_handler = logging.StreamHandler(io.StringIO())
    console_handler.setLevel(logging.INFO)
    prefect = logging.getLogger("prefect")
    prefect.addHandler(console_handler)
    try:
        with run_progress(enabled=True):
            attached = [h for h in logging.getLogger(PREFECT_LOGGERS[0]).handlers
                        if isinstance(h, StepHandler)]
            assert len(attached) == 1 and console_handler.level == logging.WARNING
        assert not any(isinstance(h, StepHandler)
                       for h in logging.getLogger(PREFECT_LOGGERS[0]).handlers)
        assert console_handler.level == logging.INFO
    finally:
        prefect.removeHandler(console_handler)


def test_off_a_terminal_nothing_is_attached() -> None:
    before = list(logging.getLogger(PREFECT_LOGGERS[0]).handlers)
    with run_progress(enabled=False):
        assert logging.getLogger(PREFECT_LOGGERS[0]).handlers == before
