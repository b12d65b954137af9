"""Every shell command of README.md and docs/*.md works as pasted in the project folder after
`make brief`, the way test_querying_docs runs every SQL example.

What runs and what is only parsed:

- Each ```sh block runs for real, in bash with -e and pipefail, unless an HTML comment
  `<!-- not run in tests: REASON -->` stands on the line before it. It runs in a folder laid
  out as the project (`.venv` and `warehouse/seeds` linked, `warehouse/barometer.duckdb` a
  copy of the session's seeds warehouse, `warehouse/snapshot/barometer.duckdb` published from
  it), with the BAROMETER_ settings pointed there and a Prefect port nobody listens on, and
  must exit 0 and print something. A block without a marker may only call quick local
  programs (barometer query, status, extract, review; the venv's duckdb and python -c; cp…):
  anything else is refused before it starts. None of them is `barometer run` (a minute of Prefect).
- Every command of every block, run or not, and every `ExecStart=` of an ini block is
  parsed: `.venv/bin/barometer …` through typer's click tree (subcommand, options, values,
  required ones, a file that must exist), `.venv/bin/prefect …` through Prefect's own CLI
  parser (cyclopts, in this process), `make …` by `make -n` (the target exists; a
  `.venv/bin/barometer` line it would run is parsed too), `.venv/bin/pytest …` by
  `--collect-only` (it selects tests), and any other `.venv/bin/X` must exist.
- A program the venv provides, written bare (`barometer …`, `prefect …`, `pytest …`), is an
  error: `make brief` installs into .venv and puts nothing on PATH.
- Every `barometer …` named in the prose (an inline code span) names a real subcommand and
  real options (values such as DATE or ID are not checked).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup, TyperOption

from flows.cli import app
from flows.warehouse.snapshot import publish_snapshot
from tests import ROOT  # the checkout: docs/ and .venv/, also when flows is installed
from tests.conftest import copy_of_seeds_warehouse, environ_without_settings

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
VENV_BIN = ROOT / ".venv" / "bin"
SHELL_LANG = "sh"  # the one info string of a shell block; bash, console, shell are refused
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[^`\s]*)\s*$")
NOT_RUN = re.compile(r"^<!-- not run in tests: (?P<reason>\S.*\S) -->$")
BUILTINS = {"cd", "export", "kill", "source", "set", "unset"}
# Plain tools a block may use, run or not.
TOOLS = {"cp", "ls", "cat", "head", "echo"}
# Programs the docs may name that the project does not provide; only in blocks not run.
SYSTEM = {"sudo", "systemctl", "journalctl", "apt-get", "python3", "mkdir", "cd"}
SPLIT = {"&&", "||", ";", "|", "&", "(", ")"}
REDIRECT = {">", ">>", "<", "2>", "&>"}


@dataclass(frozen=True)
class Block:
    """A fenced code block of a doc: where it is, its language, its text and, if it is not run
    by this test, why."""

    doc: Path
    line: int
    lang: str
    text: str
    not_run: str | None

    @property
    def name(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"


def read_blocks(doc: Path) -> list[Block]:
    """Every fenced block of doc, with the not-run reason from the line before its fence."""
    lines = doc.read_text(encoding="utf-8").split("\n")
    blocks, i = [], 0
    while i < len(lines):
        opened = FENCE.match(lines[i])
        if not opened:
            i += 1
            continue
        start, indent = i, opened["indent"]
        i += 1
        while not lines[i].startswith(f"{indent}```"):
            i += 1
        marker = NOT_RUN.match(lines[start - 1].strip()) if start else None
        body = "\n".join(line.removeprefix(indent) for line in lines[start + 1:i])
        blocks.append(Block(doc, start + 1, opened["lang"], body,
                            marker["reason"] if marker else None))
        i += 1
    return blocks


BLOCKS = [b for doc in DOCS for b in read_blocks(doc)]
SHELL = [b for b in BLOCKS if b.lang in (SHELL_LANG, "bash", "console", "shell")]


def commands(script: str) -> list[list[str]]:
    """The simple commands of a shell script, as argument lists: comments, redirections and
    leading VAR=value assignments dropped, split at newlines and && || ; | &."""
    found: list[list[str]] = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        found.append([])
        tokens = iter(lexer)
        for token in tokens:
            if token in SPLIT:
                found.append([])
            elif token in REDIRECT:
                next(tokens, None)
            elif found[-1] or not re.match(r"^[A-Z_][A-Z0-9_]*=", token):
                found[-1].append(token)
    return [c for c in found if c]


def exec_starts(block: Block) -> list[list[str]]:
    """The commands of an ini block's ExecStart= lines (systemd units)."""
    return [shlex.split(line.split("=", 1)[1]) for line in block.text.splitlines()
            if line.startswith("ExecStart=")]


def program(argv0: str) -> str:
    """The name a command line calls, written as the docs should: .venv/bin/X for the venv's."""
    return ".venv/bin/" + argv0.rsplit("/", 1)[1] if "/.venv/bin/" in f"/{argv0}" else argv0


# --- parsing without running ---------------------------------------------------------------

def parse_barometer(args: list[str]) -> None:
    """Parse a barometer command line as the CLI would, down to its subcommand, converting every
    value and checking required options, without running it (click raises on a bad one)."""
    command = typer.main.get_command(app)  # typer's own copy of click's tree
    name, parent = "barometer", None
    while True:
        ctx = command.make_context(name, list(args), parent=parent)
        if not isinstance(command, TyperGroup):
            return
        rest = [*ctx._protected_args, *ctx.args]  # what the group leaves its subcommand
        if not rest:
            return
        name, sub, args = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None, f"no subcommand {rest[0]!r}"
        command, parent = sub, ctx


def parse_prefect(args: list[str]) -> None:
    """Parse a prefect command line with Prefect's own parser (cyclopts), without running it:
    its --help accepts any option, so only the parser tells a wrong one."""
    from prefect.cli._app import _app  # private: Prefect parses in two steps (session, command)

    _, session, _ = _app.meta.parse_args(args, exit_on_error=False, print_error=False)
    _app.parse_args(list(session.arguments.get("tokens", ())), exit_on_error=False,
                    print_error=False)


def parse_make(args: list[str]) -> None:
    """`make -n` the target (it must exist) and parse the barometer command it would run."""
    done = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, f"make -n {' '.join(args)}: {done.stderr.strip()}"
    for line in done.stdout.splitlines():
        words = shlex.split(line) if ".venv/bin/barometer " in line else []
        if words and words[0] == ".venv/bin/barometer":
            parse_barometer(words[1:])


def parse_pytest(args: list[str]) -> None:
    """The pytest command selects at least one test (exit 5 when none)."""
    quick = ["--collect-only", "-q", "--noconftest", "-p", "no:xdist", "-p", "no:cacheprovider",
             "-p", "no:hypothesispytest"]  # collecting needs none of them: 0.6 s, not 2.5
    done = subprocess.run([str(VENV_BIN / "pytest"), *quick, *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"pytest {' '.join(args)} collects nothing:\n{done.stdout[-800:]}"


def check_command(argv: list[str], is_run: bool) -> None:
    """Raise (AssertionError, click or cyclopts errors) if argv would not work as written."""
    name, args = program(argv[0]), argv[1:]
    if name in BUILTINS:
        return
    if "/" not in name:
        # python3 is in .venv/bin too, but also on the PATH a fresh shell has: that one is meant
        outside = os.pathsep.join(d for d in os.environ.get("PATH", "").split(os.pathsep)
                                  if Path(d).resolve() != VENV_BIN.resolve())
        assert not (VENV_BIN / name).exists() or shutil.which(name, path=outside), (
            f"`{name}` is not on PATH after `make brief` (it installs into .venv): write "
            f"`.venv/bin/{name}`")
        if name == "make":
            parse_make(args)
            return
        assert name in TOOLS or (name in SYSTEM and not is_run), (
            f"`{name}`: not a program this project provides (or only in a block not run)")
        return
    if name.startswith(".venv/bin/"):
        assert (ROOT / name).is_file() and os.access(ROOT / name, os.X_OK), f"no {name}"
    parsers = {".venv/bin/barometer": parse_barometer, ".venv/bin/prefect": parse_prefect,
               ".venv/bin/pytest": parse_pytest}
    if name in parsers:
        parsers[name](args)


def problems(checks: list[tuple[str, list[str], bool]]) -> list[str]:
    """Each (where, argv, is_run) that does not parse, with the reason."""
    found = []
    for where, argv, is_run in checks:
        try:
            check_command(argv, is_run)
        except Exception as exc:  # click's, cyclopts' and our own assertions alike
            found.append(f"{where}: {shlex.join(argv)}\n    {type(exc).__name__}: {exc}")
    return found


# --- the docs' conventions -----------------------------------------------------------------

def test_every_fence_names_its_language_and_shell_blocks_are_sh() -> None:
    """A command cannot hide in an unlabelled block, and shell blocks have one label."""
    unlabelled = [b.name for b in BLOCKS if not b.lang]
    assert unlabelled == [], f"fences without a language (```sh, ```text, …): {unlabelled}"
    other = [f"{b.name} ({b.lang})" for b in SHELL if b.lang != SHELL_LANG]
    assert other == [], f"shell blocks are ```{SHELL_LANG}: {other}"
    assert len(SHELL) >= 15


def test_a_not_run_marker_stands_only_before_a_shell_block() -> None:
    """A marker that drifted away from its block would leave the block running or a stray
    comment: each one is on the line right before a shell fence."""
    marked = {(b.doc, b.line - 1) for b in SHELL if b.not_run}
    for doc in DOCS:
        for number, line in enumerate(doc.read_text(encoding="utf-8").split("\n"), 1):
            if "not run in tests" in line:
                assert (doc, number) in marked, f"{doc.relative_to(ROOT)}:{number}: stray marker"


def test_every_documented_command_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run or not, every command names the venv's program, a real subcommand and real
    options (docstring at the top: how each program is checked)."""
    monkeypatch.chdir(ROOT)  # the docs' commands are typed in the project folder
    checks = [(b.name, argv, b.not_run is None) for b in SHELL for argv in commands(b.text)]
    checks += [(b.name, argv, False) for b in BLOCKS if b.lang == "ini"
               for argv in exec_starts(b)]
    assert len(checks) >= 40
    assert problems(checks) == []


def test_the_parse_check_catches_what_it_should(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks above can fail: a bare program, a subcommand or option that does not exist,
    a bad value, a make target or pytest selection that is not there."""
    monkeypatch.chdir(ROOT)
    wrong = [["barometer", "run"], [".venv/bin/barometer", "brief"],
             [".venv/bin/barometer", "run", "--as-of", "yesterday"],
             [".venv/bin/barometer", "status", "--last", "3"],
             [".venv/bin/barometer", "review", "reject", "19"],
             [".venv/bin/barometer", "extract", "page.html", "--published", "2025-01-13"],
             [".venv/bin/prefect", "work-pool", "create", "barometer", "--tipe", "process"],
             ["make", "no-such-target"], ["curl", "http://example.org"],
             [".venv/bin/no-such-program"]]
    assert len(problems([("test", argv, True) for argv in wrong])) == len(wrong)
    assert problems([("test", [".venv/bin/pytest", "tests/unit/test_docs_commands.py", "-k",
                               "no_such_test"], False)])


def test_commands_named_in_the_prose_exist() -> None:
    """`barometer X --option` in a sentence names a real subcommand and real options."""
    spans = [(doc, span) for doc in DOCS
             for span in re.findall(r"`((?:\.venv/bin/)?barometer [a-z-][^`]*)`",
                                    doc.read_text(encoding="utf-8"))]
    assert len(spans) >= 40
    wrong = [f"{doc.relative_to(ROOT)}: `{span}`: {err}" for doc, span in spans
             if (err := named_wrongly(shlex.split(span)[1:]))]
    assert wrong == []
    assert named_wrongly(["brief"]) and named_wrongly(["run", "--as-off", "DATE"])


def named_wrongly(words: list[str]) -> str | None:
    """Why `barometer <words>` names no real command or option (values are not checked), or
    None. `accept|reject` names two subcommands."""
    command = typer.main.get_command(app)
    words = list(words)
    while words:
        word = words.pop(0)
        if word.startswith("-"):
            option = next((p for p in command.params if isinstance(p, TyperOption)
                           and word.split("=")[0] in (*p.opts, *p.secondary_opts)), None)
            if option is None and word != "--help":
                return f"{command.name or 'barometer'} has no option {word}"
            if option is not None and not option.is_flag and "=" not in word and words:
                words.pop(0)  # its value
        elif isinstance(command, TyperGroup):
            subs = [command.commands.get(w) for w in word.split("|")]
            if None in subs:
                return f"{command.name or 'barometer'} has no subcommand {word}"
            command = subs[0]
    return None


# --- the blocks that run -------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, seeds_warehouse: Path
            ) -> tuple[Path, dict[str, str]]:
    """A folder laid out as the project after `make brief` (the venv and the seeds linked, the
    warehouse a copy of the session's seeds warehouse, and its published snapshot) and an
    environment whose BAROMETER_ settings point into it."""
    folder = tmp_path_factory.mktemp("project")
    (folder / ".venv").symlink_to(ROOT / ".venv")
    warehouse = copy_of_seeds_warehouse(seeds_warehouse, folder / "warehouse")
    # Published as a run publishes it: in the storage format the venv's duckdb CLI reads.
    snapshot = publish_snapshot(warehouse, folder / "warehouse" / "snapshot" / "barometer.duckdb")
    (folder / "warehouse" / "seeds").symlink_to(ROOT / "warehouse" / "seeds")
    env = environ_without_settings() | {
        "BAROMETER_WAREHOUSE_PATH": str(warehouse),
        "BAROMETER_SNAPSHOT_PATH": str(snapshot),
        "BAROMETER_BRIEFS_DIR": str(folder / "warehouse" / "briefs"),
        "BAROMETER_INBOX_DIR": str(folder / "warehouse" / "inbox"),
        "BAROMETER_SOURCES_PATH": str(folder / "warehouse" / "sources.toml"),
        "BAROMETER_PREFECT_PORT": str(_free_port()),
        "PREFECT_HOME": str(folder / "prefect-home"),
        "COLUMNS": "200",
    }
    return folder, env


RUN = [b for b in SHELL if b.not_run is None]
# What a block without a marker may run: quick, local, reading the test's folder. Anything else
# (a run, serve, a worker, make, sudo, the network, a server in the background) must be marked,
# and a block that is not is refused before it starts.
SAFE_BAROMETER = {"query", "status", "extract", "review", "--help", "--version"}


def unsafe(argv: list[str]) -> bool:
    """Whether a block running argv needs a not-run marker."""
    name = program(argv[0])
    if name == ".venv/bin/barometer":
        return len(argv) < 2 or argv[1] not in SAFE_BAROMETER
    if name == ".venv/bin/python":
        return argv[1:2] != ["-c"]
    return name not in TOOLS and name != ".venv/bin/duckdb"


def test_only_quick_local_commands_run_and_the_rest_is_marked() -> None:
    """Blocks without a marker call only what is safe to run here; the guard refuses the
    rest (a run, serve, a worker, heal, make, sudo, a server in the background)."""
    assert len(RUN) >= 5 and len(RUN) < len(SHELL)
    risky = [f"{b.name}: {shlex.join(argv)}" for b in RUN for argv in commands(b.text)
             if unsafe(argv)]
    assert risky == [], "mark these blocks <!-- not run in tests: why -->"
    for line in (".venv/bin/barometer run", ".venv/bin/barometer serve --interval 60",
                 ".venv/bin/barometer heal", ".venv/bin/barometer worker --pool p",
                 "make brief", "sudo systemctl daemon-reload",
                 ".venv/bin/python -m aiosmtpd -n -l 127.0.0.1:8025 &",
                 ".venv/bin/prefect server start"):
        assert unsafe(commands(line)[0]), line
    assert not unsafe([".venv/bin/barometer", "query", "from figures"])


@pytest.mark.parametrize("block", RUN, ids=lambda b: b.name)
def test_shell_block_runs_as_pasted(project: tuple[Path, dict[str, str]], block: Block) -> None:
    folder, env = project
    risky = [shlex.join(argv) for argv in commands(block.text) if unsafe(argv)]
    assert risky == [], f"{block.name}: mark it <!-- not run in tests: why -->, or drop {risky}"
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block.text], cwd=folder,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, (f"{block.name} exited {done.returncode}:\n{block.text}\n"
                                  f"stdout:\n{done.stdout[-1500:]}\nstderr:\n{done.stderr[-1500:]}")
    assert done.stdout.strip(), f"{block.name} printed nothing"


def test_a_failing_block_fails(project: tuple[Path, dict[str, str]]) -> None:
    """bash -e stops at the first failing command: a block with a wrong line cannot pass."""
    folder, env = project
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", "false\necho after"],
                          cwd=folder, env=env, capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "after" not in done.stdout
