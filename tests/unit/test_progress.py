"""Progress: a spinner names the current step on a terminal; nothing changes otherwise."""

from __future__ import annotations

import io
import logging

import pytest
from rich.console import Console
from rich.progress import Progress

from flows.orchestration.progress import (
    MESSAGE_CHARS,
    PREFECT_LOGGERS,
    StepHandler,
    run_progress,
    shorten,
)


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


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, as Prefect's console handler's stderr is."""

    def isatty(self) -> bool:
        return True


def _task_record(level: int, message: str) -> logging.LogRecord:
    record = logging.LogRecord("prefect.task_runs", level, __file__, 1, message, (), None)
    record.task_run_name = "collect gacc-press-releases"
    return record


def test_a_long_message_keeps_both_ends_and_markup_is_shown_as_written() -> None:
    progress = Progress(console=Console(file=io.StringIO()))
    task_id = progress.add_task("starting", total=None)
    url = "http://www.customs.gov.cn/customs/xwfb34/302425/6284412/index.html"
    StepHandler(progress, task_id).emit(_task_record(
        logging.INFO, f"source gacc-press-releases: fetching {url} [bold]\nsecond line"))
    description = progress.tasks[0].description
    message = description.removeprefix("[bold]collect gacc-press-releases[/bold] ")
    assert len(shorten(f"source gacc-press-releases: fetching {url} [bold]")) == MESSAGE_CHARS
    assert message.startswith("source gacc-press-releases: fetching http://")
    assert message.endswith("6284412/index.html \\[bold]") and "…" in message
    assert "second line" not in message


@pytest.mark.parametrize("logger_name", ["", "prefect"], ids=["root", "prefect"])
def test_on_a_terminal_warnings_print_as_lines_and_info_only_moves_the_spinner(
        logger_name: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Prefect 3 puts its console handler on the root logger; older setups on "prefect".
    terminal = _Terminal()
    console_handler = logging.StreamHandler(terminal)
    console_handler.setLevel(logging.INFO)
    console_handler.setFormatter(logging.Formatter("%(levelname)s | %(message)s"))
    owner, runs = logging.getLogger(logger_name), logging.getLogger(PREFECT_LOGGERS[0])
    owner.addHandler(console_handler)
    level = runs.level
    runs.setLevel(logging.INFO)
    try:
        with run_progress(enabled=True):
            steps = [h for h in runs.handlers if isinstance(h, StepHandler)]
            assert len(steps) == 1 and console_handler not in owner.handlers
            runs.handle(_task_record(logging.INFO, "source a: fetching http://x.test/a.html"))
            assert "fetching http://x.test/a.html" in steps[0].progress.tasks[0].description
            runs.handle(_task_record(logging.WARNING, "source a: HTTP 503; retry 1 of 3 in 0.2 s"))
        assert not any(isinstance(h, StepHandler) for h in runs.handlers)
        assert console_handler in owner.handlers and console_handler.level == logging.INFO
    finally:
        owner.removeHandler(console_handler)
        runs.setLevel(level)
    err = capsys.readouterr().err
    assert "WARNING | source a: HTTP 503; retry 1 of 3 in 0.2 s\n" in err
    assert "fetching" not in err and terminal.getvalue() == ""


def test_off_a_terminal_nothing_is_attached() -> None:
    before = list(logging.getLogger(PREFECT_LOGGERS[0]).handlers)
    with run_progress(enabled=False):
        assert logging.getLogger(PREFECT_LOGGERS[0]).handlers == before
