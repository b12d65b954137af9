"""Progress on a terminal: a spinner naming the step a run is in; plain log lines otherwise."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

# Prefect's loggers for task and flow runs: their records name the step being run.
PREFECT_LOGGERS = ("prefect.task_runs", "prefect.flow_runs")


class StepHandler(logging.Handler):
    """Show the latest step and message of a run in the progress line."""

    def __init__(self, progress: Progress, task_id: int):
        super().__init__(level=logging.INFO)
        self.progress = progress
        self.task_id = task_id

    def emit(self, record: logging.LogRecord) -> None:
        step = getattr(record, "task_run_name", None) or getattr(record, "flow_run_name", "")
        message = record.getMessage().splitlines()[0][:90]
        self.progress.update(self.task_id, description=f"[bold]{step}[/bold] {message}")


def is_interactive() -> bool:
    """True when stderr is a terminal a person is watching."""
    return sys.stderr.isatty()


@contextmanager
def run_progress(enabled: bool | None = None) -> Iterator[None]:
    """Show a spinner with the current step (collection, load, render …) while a run goes on."""
    if not (is_interactive() if enabled is None else enabled):
        yield
        return
    console = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task_id = progress.add_task("starting Prefect", total=None)
        handler = StepHandler(progress, task_id)
        loggers = [logging.getLogger(name) for name in PREFECT_LOGGERS]
        # The spinner says what is happening; only warnings still print as lines.
        consoles = [h for h in logging.getLogger("prefect").handlers
                    if isinstance(h, logging.StreamHandler)]
        levels = [h.level for h in consoles]
        for logger in loggers:
            logger.addHandler(handler)
        for console_handler in consoles:
            console_handler.setLevel(max(console_handler.level, logging.WARNING))
        try:
            yield
        finally:
            for logger in loggers:
                logger.removeHandler(handler)
            for console_handler, level in zip(consoles, levels, strict=True):
                console_handler.setLevel(level)
