"""The DuckDB versions the analysts' snapshot must answer in, and a way to ask each of them.

The test extra pins the newest duckdb-cli (1.5.x) into .venv itself. A venv holds one version
of a package, so the older ones are installed beside it, each in its own folder under
.venv/duckdb-engines/ with `pip install --no-deps --target`: `make test` runs
`python -m tests.duckdb_engines`, which installs whichever is missing (about 30 MB from PyPI
each, once) and otherwise returns at once.

- duckdb-cli 1.4.4.post2: the newest 1.4 CLI on PyPI.
- duckdb 1.4.0, the Python package: the oldest 1.4 engine. PyPI has no duckdb-cli before
  1.4.4, and DuckDB 1.4.0 and 1.4.1 bind table macros that hold a CTE differently from 1.4.2
  and later, so the newest 1.4 CLI alone would not show what an analyst on 1.4.0 gets.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path

from tests import ROOT

ENGINES_DIR = ROOT / ".venv" / "duckdb-engines"
INSTALLED_MARK = ".installed"  # written last: a folder without it is a killed install
TIMEOUT_SECONDS = 120

# Runs in a child Python whose sys.path starts with an older duckdb package's folder: answers
# each statement of argv[3] (JSON) on the file argv[2], read-only, as JSON lines.
PYTHON_CLIENT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import duckdb
print(json.dumps(duckdb.__version__))
statements = json.loads(sys.argv[3])
con = duckdb.connect(sys.argv[2], read_only=True) if statements else None
for sql in statements:
    try:
        print(json.dumps({"value": str(con.execute(sql).fetchone()[0])}))
    except duckdb.Error as exc:
        print(json.dumps({"error": str(exc).splitlines()[0]}))
"""


@dataclass(frozen=True)
class Answer:
    """What one engine said to one statement: its single value as text, or its error."""

    value: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Engine:
    """One DuckDB version, as a PyPI package at a version (a CLI or the Python client)."""

    package: str  # "duckdb-cli" or "duckdb"
    version: str
    in_venv: bool = False  # the test extra's pin, installed in .venv itself

    @property
    def name(self) -> str:
        return f"{self.package}-{self.version}"

    @property
    def folder(self) -> Path:
        return ENGINES_DIR / self.name

    def is_installed(self) -> bool:
        return self.in_venv or (self.folder / INSTALLED_MARK).exists()

    def install(self) -> None:
        """Install into a folder of its own under .venv/duckdb-engines/, unless it is there."""
        if self.is_installed():
            return
        partial = self.folder.with_name(self.name + ".partial")
        for leftover in (partial, self.folder):
            shutil.rmtree(leftover, ignore_errors=True)
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--target", str(partial), f"{self.package}=={self.version}"],
            capture_output=True, text=True, check=False)
        if done.returncode != 0:
            shutil.rmtree(partial, ignore_errors=True)
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise SystemExit(f"could not install {self.package}=={self.version} from PyPI "
                             f"({reason}); the snapshot test needs it: check the network and "
                             "run make test again")
        (partial / INSTALLED_MARK).touch()
        partial.rename(self.folder)

    def executable(self) -> Path:
        """The CLI's own binary (1.5 wheels put it in duckdb_cli/ behind a Python wrapper,
        1.4 wheels in bin/), run directly: no Python start-up per statement."""
        if self.in_venv:
            spec = util.find_spec("duckdb_cli")
            places = [Path(spec.origin).parent] if spec and spec.origin else []
            places.append(Path(sys.executable).parent)
        else:
            places = [self.folder / "duckdb_cli", self.folder / "bin"]
        for place in places:
            binary = place / "duckdb"
            if binary.is_file() and binary.read_bytes()[:4] == b"\x7fELF":
                return binary
        raise FileNotFoundError(f"no duckdb binary of {self.name} in {places}")

    def reported_version(self) -> str:
        """The version the engine itself reports ('1.4.4', '1.4.0'), not the package's."""
        if self.package == "duckdb":
            return self._python_client(Path("unused"), [])[0]
        done = subprocess.run([str(self.executable()), "-version"], capture_output=True,
                              text=True, timeout=TIMEOUT_SECONDS, check=True)
        return done.stdout.split()[0].removeprefix("v")

    def answers(self, database: Path, statements: list[str]) -> list[Answer]:
        """Each statement's single value (or error) on database, opened read-only."""
        if self.package == "duckdb":
            return self._python_client(database, statements)[1]
        return self._cli_answers(database, statements)

    def _cli_answers(self, database: Path, statements: list[str]) -> list[Answer]:
        """One CLI process answers every statement, each into a file of its own (`.once`),
        since a process per statement costs a tenth of a second or more to open the snapshot.
        A statement whose file stays empty failed: it is run again alone for its message."""
        with tempfile.TemporaryDirectory(prefix="duckdb-cli-") as folder:
            outputs = [Path(folder) / f"{i}.csv" for i in range(len(statements))]
            script = "".join(f".once {out}\n{sql};\n"
                             for out, sql in zip(outputs, statements, strict=True))
            subprocess.run([str(self.executable()), "-readonly", "-csv", "-noheader",
                            str(database)], input=script, capture_output=True, text=True,
                           timeout=TIMEOUT_SECONDS, check=False)
            values = [out.read_text().strip() if out.exists() else "" for out in outputs]
        return [Answer(value=value) if value else self._cli_answer(database, sql)
                for value, sql in zip(values, statements, strict=True)]

    def _cli_answer(self, database: Path, sql: str) -> Answer:
        done = subprocess.run(
            [str(self.executable()), "-readonly", "-bail", "-csv", "-noheader", str(database),
             "-c", sql], capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
        if done.returncode != 0 or done.stderr.strip():
            message = (done.stderr.strip() or done.stdout.strip()).splitlines()
            return Answer(error=message[0] if message else f"exit {done.returncode}")
        return Answer(value=done.stdout.strip())

    def _python_client(self, database: Path,
                       statements: list[str]) -> tuple[str, list[Answer]]:
        done = subprocess.run(
            [sys.executable, "-c", PYTHON_CLIENT, str(self.folder), str(database),
             json.dumps(statements)], capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
            check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{self.name} stopped: {done.stderr.strip()}")
        first, *rest = done.stdout.splitlines()
        return json.loads(first), [Answer(**json.loads(line)) for line in rest]


def venv_cli() -> Engine:
    """The duckdb-cli the test extra installs in .venv (the newest 1.5.x)."""
    return Engine("duckdb-cli", metadata.version("duckdb-cli"), in_venv=True)


OLDER_ENGINES = (Engine("duckdb-cli", "1.4.4.post2"), Engine("duckdb", "1.4.0"))


def main() -> None:
    """Install the older engines that are missing (make test's first step)."""
    for engine in OLDER_ENGINES:
        if not engine.is_installed():
            print(f"installing {engine.package}=={engine.version} into {engine.folder}")
            engine.install()


if __name__ == "__main__":
    main()
