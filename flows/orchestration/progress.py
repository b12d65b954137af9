"""Progress on a terminal: a spinner naming the step a run is in; plain log lines otherwise."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

# Prefect's loggers for task and flow runs: their records name the step being run.
PREFECT_LOGGERS = ("prefect.task_runs", "prefect.flow_runs")
# Where console handlers live: Prefect 3 puts its own on the root logger.
CONSOLE_LOGGERS = ("", "prefect")
MESSAGE_CHARS = 90


def shorten(text: str, limit: int = MESSAGE_CHARS) -> str:
    """The first line of text, cut in the middle when long: a URL keeps both of its ends."""
    line = text.splitlines()[0] if text else ""
    if len(line) <= limit:
        return line
    head = (limit - 1) // 2
    return f"{line[:head]}…{line[len(line) - (limit - 1 - head):]}"


class StepHandler(logging.Handler):
    """Show the latest step and message of a run in the progress line."""

    def __init__(self, progress: Progress, task_id: int):
        super().__init__(level=logging.INFO)
        self.progress = progress
        self.task_id = task_id

    def emit(self, record: logging.LogRecord) -> None:
        step = getattr(record, "task_run_name", None) or getattr(record, "flow_run_name", "")
        message = escape(shorten(record.getMessage()))
        self.progress.update(self.task_id, description=f"[bold]{escape(step)}[/bold] {message}")


class LineHandler(logging.Handler):
    """Print warnings and errors as whole lines above the spinner, through its console.

    Stands in for a console handler while the spinner runs: that handler writes to the
    terminal behind the spinner's back, gluing its lines onto the spinner's.
    """

    def __init__(self, console: Console, replaces: logging.Handler):
        super().__init__(level=max(replaces.level, logging.WARNING))
        self.console = console
        self.setFormatter(replaces.formatter)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(self.format(record), markup=False, highlight=False,
                               soft_wrap=True)
        except Exception:  # as logging.StreamHandler does: a log line must not stop the run
            self.handleError(record)


def is_interactive() -> bool:
    """True when stderr is a terminal a person is watching."""
    return sys.stderr.isatty()


def _writes_to_terminal(handler: logging.Handler) -> bool:
    """Whether handler prints on a terminal (a file, a pipe or pytest's capture does not)."""
    if not isinstance(handler, logging.StreamHandler):
        return False
    try:
        return bool(handler.stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _console_handlers(terminal_only: bool = True) -> list[tuple[logging.Logger, logging.Handler]]:
    """The handlers that print log records on the console, with the logger each is on: those on
    a terminal, or (terminal_only False) every stream handler, a pipe's or a file's too."""
    return [(logger, handler) for logger in map(logging.getLogger, CONSOLE_LOGGERS)
            for handler in logger.handlers
            if (_writes_to_terminal(handler) if terminal_only
                else isinstance(handler, logging.StreamHandler))]


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
        # The spinner says what is happening; only warnings still print, as lines above it.
        swaps = [(logger, old, LineHandler(progress.console, old))
                 for logger, old in _console_handlers()]
        for logger in loggers:
            logger.addHandler(handler)
        for logger, old, new in swaps:
            logger.removeHandler(old)
            logger.addHandler(new)
        try:
            yield
        finally:
            for logger in loggers:
                logger.removeHandler(handler)
            for logger, old, new in swaps:
                logger.removeHandler(new)
                logger.addHandler(old)


class _OneLine(logging.Filter):
    """Drop the traceback of an error whose message already says what happened and what to do."""

    def __init__(self, kinds: tuple[type[BaseException], ...]):
        super().__init__()
        self.kinds = kinds

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, self.kinds):
            record.exc_info, record.exc_text = None, None
        return True


@contextmanager
def one_line_errors(kinds: tuple[type[BaseException], ...]) -> Iterator[None]:
    """On the terminal, log errors of these kinds as their one line, without the traceback (the
    Prefect API's copy of the log keeps it)."""
    handlers = [handler for _, handler in _console_handlers(terminal_only=False)]
    quiet = _OneLine(kinds)
    for handler in handlers:
        handler.addFilter(quiet)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(quiet)

