"""`make bench`: the tracker's cost at 100, 1,000 and 10,000 releases, side by side with the
practical limits, and against its targets. Prints one table; writes docs/benchmarks.md.

    python -m bench.run [--scales 100,1000,10000] [--repeats 3] [--figures 100] [--no-docs]

Every measurement runs in its own process (bench/measure.py, bench/orchestration.py) on
synthetic releases (bench/synthetic.py) in a temporary folder: the real warehouse is never
touched. Figures are the median of the repeats, with min and max.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.synthetic import make_seeds, write_bulk_files
from flows.paths import ROOT

DOC = ROOT / "docs" / "benchmarks.md"


@dataclass
class Spread:
    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def text(self, unit: str = "s") -> str:
        if unit == "MiB":
            return f"{self.median:.0f} ({min(self.values):.0f}–{max(self.values):.0f})"
        return f"{self.median:.2f} ({min(self.values):.2f}–{max(self.values):.2f})"


def _child(args: list[str], env: dict[str, str] | None = None) -> dict:
    result = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                            env=env, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"bench step {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_scale(releases: int, figures: int, repeats: int, scratch: Path) -> dict:
    seeds = make_seeds(scratch / f"seeds-{releases}", releases, figures)
    bulk = scratch / f"bulk-{releases}"
    write_bulk_files(seeds, bulk)
    runs = []
    for n in range(repeats):
        runs.append(_child(["bench.measure", str(seeds), str(bulk),
                            str(scratch / f"work-{releases}-{n}")]))
        print(f"  {releases} releases, run {n + 1}/{repeats}: load {runs[-1]['load']:.2f} s, "
              f"rss {runs[-1]['peak_rss_mib']:.0f} MiB", flush=True)
    keys = [k for k, v in runs[0].items() if isinstance(v, float)]
    spreads = {k: Spread([r[k] for r in runs]) for k in keys}
    facts = {k: runs[0][k] for k in runs[0] if k not in keys}
    return {"spreads": spreads, "facts": facts}


def measure_orchestration(repeats: int, scratch: Path) -> dict[str, Spread]:
    """The whole run at 100 synthetic releases: plain functions, the flow on a running server,
    the flow on Prefect's temporary server."""
    from flows.orchestration.prefect_server import LocalPrefectServer

    seeds = make_seeds(scratch / "seeds-orchestration", 100, 100)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    base_env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    base_env["PREFECT_HOME"] = str(scratch / "prefect-client")
    out: dict[str, list[float]] = {"plain": [], "flow_running_server": [],
                                   "flow_temporary_server": []}
    with LocalPrefectServer(prefect_home=scratch / "prefect-server") as server:
        served = {**base_env, "PREFECT_API_URL": server.api_url}
        for n in range(repeats):
            for mode, key, env in (("plain", "plain", base_env),
                                   ("flow", "flow_running_server", served),
                                   ("flow", "flow_temporary_server", base_env)):
                work = scratch / f"orchestration-{key}-{n}"
                out[key].append(_child(["bench.orchestration", mode, str(seeds), str(work)],
                                       env)["seconds"])
            print(f"  orchestration run {n + 1}/{repeats}: plain {out['plain'][-1]:.2f} s, "
                  f"flow {out['flow_running_server'][-1]:.2f} s", flush=True)
    return {k: Spread(v) for k, v in out.items()}


ROWS = [
    ("load", "a. tracker load"),
    ("duckdb_bulk_load", "a. DuckDB bulk load, same rows, one file"),
    ("transform", "b. transforms, full build (every mart from scratch)"),
    ("checks", "b. checks"),
    ("transform_incremental", "b. transforms, incremental build after 1 new release"),
    ("checks_incremental", "b. checks after it"),
    ("brief_queries", "c. brief queries"),
    ("render", "c. brief render (PDF + CSV attachments)"),
    ("weasyprint_same_html", "c. WeasyPrint, same finished HTML"),
    ("rerun", "d. rerun with nothing new (load)"),
    ("record_and_snapshot", "record brief + publish snapshot"),
    ("snapshot", "publish snapshot alone (a full copy)"),
    ("peak_rss_mib", "e. peak RSS of a run (MiB)"),
]


def table(scales: dict[int, dict]) -> list[str]:
    head = "| measure | " + " | ".join(
        f"{n:,} releases ({s['facts']['observations']:,} obs.)" for n, s in scales.items())
    lines = [head + " |", "|---|" + "---|" * len(scales)]
    for key, label in ROWS:
        cells = [s["spreads"][key].text("MiB" if key == "peak_rss_mib" else "s")
                 for s in scales.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for key, label in (("pdf_bytes", "c. brief PDF size (MB)"),
                       ("snapshot_bytes", "snapshot file size (MB)")):
        lines.append(f"| {label} | " + " | ".join(
            f"{s['facts'][key] / 1e6:.1f}" for s in scales.values()) + " |")
    ratio = [s["spreads"]["load"].median / s["spreads"]["duckdb_bulk_load"].median
             for s in scales.values()]
    lines.append("| load ÷ DuckDB bulk load | " + " | ".join(f"{r:.1f}×" for r in ratio) + " |")
    return lines


def targets(scales: dict[int, dict], orchestration: dict[str, Spread] | None,
            real_seeds: Spread | None = None) -> list[str]:
    """Each target, the measured figure and whether it is met."""
    first, last = min(scales), max(scales)
    s_last = scales[last]["spreads"]
    rows = []

    def row(name: str, measured: str, met: bool) -> None:
        rows.append(f"| {name} | {measured} | {'met' if met else 'NOT met'} |")

    worst = max(s["spreads"]["load"].median / s["spreads"]["duckdb_bulk_load"].median
                for s in scales.values())
    row("load ≤ 2× DuckDB's bulk load, every scale", f"worst {worst:.1f}×", worst <= 2)
    rerun = s_last["rerun"].median / s_last["load"].median
    row(f"rerun ≤ 10% of first load at {last:,}", f"{rerun:.1%}", rerun <= 0.10)
    base = scales[first]["spreads"]["render"].median
    change = s_last["render"].median / base - 1
    row(f"render within ±20%, {first:,} → {last:,} releases", f"{change:+.0%}",
        abs(change) <= 0.20)
    rss = max(s["spreads"]["peak_rss_mib"].median for s in scales.values())
    row("peak RSS < 1 GiB", f"{rss:.0f} MiB", rss < 1024)
    obs = scales[last]["facts"]["observations"]
    full = s_last["transform"].median + s_last["checks"].median
    row(f"transforms + checks, full build, ≤ 2 s at {obs:,} observations", f"{full:.2f} s",
        full <= 2)
    step = s_last["transform_incremental"].median + s_last["checks_incremental"].median
    row(f"transforms + checks after 1 new release ≤ 0.5 s at {obs:,} observations",
        f"{step:.2f} s", step <= 0.5)
    queries = s_last["brief_queries"].median
    row(f"brief queries ≤ 1 s at {obs:,} observations", f"{queries:.2f} s", queries <= 1)
    if real_seeds:
        row("real curated seeds, load → snapshot without Prefect ≤ 3 s",
            f"{real_seeds.median:.2f} s", real_seeds.median <= 3)
    if orchestration:
        over = orchestration["flow_running_server"].median - orchestration["plain"].median
        row("orchestration ≤ 2 s with a running server", f"{over:+.2f} s", over <= 2)
    return ["| target | measured | |", "|---|---|---|", *rows]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    import duckdb
    import prefect
    import weasyprint
    return (f"{os.cpu_count()} × {cpu}, {mem / 1024 / 1024:.0f} GiB RAM, "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
            f"DuckDB {duckdb.__version__}, WeasyPrint {weasyprint.__version__}, "
            f"Prefect {prefect.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="100,1000,10000")
    parser.add_argument("--figures", type=int, default=100, help="figures per release")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-orchestration", action="store_true")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    scales: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="barometer-bench-") as folder:
        scratch = Path(folder)
        for releases in (int(s) for s in args.scales.split(",")):
            print(f"measuring {releases:,} synthetic releases …", flush=True)
            scales[releases] = measure_scale(releases, args.figures, args.repeats, scratch)
        orchestration = None
        if not args.no_orchestration:
            print("measuring orchestration overhead …", flush=True)
            orchestration = measure_orchestration(args.repeats, scratch)
        print("measuring a run on the real curated seeds …", flush=True)
        real_seeds = Spread([
            _child(["bench.profile_run", "--plain", str(scratch / f"real-{n}")])["seconds"]
            for n in range(args.repeats)])
        profile: list[str] = []
        if not args.no_profile:
            print("profiling a typical run …", flush=True)
            profile = _child(["bench.profile_run", str(scratch / "profile")])
    lines = table(scales)
    if orchestration:
        lines += ["", "| whole run, 100 synthetic releases | seconds |", "|---|---|"]
        labels = {"plain": "f. functions without Prefect",
                  "flow_running_server": "f. flow, running Prefect server",
                  "flow_temporary_server": "f. flow, Prefect's temporary server"}
        lines += [f"| {labels[k]} | {v.text()} |" for k, v in orchestration.items()]
    if real_seeds:
        lines += ["", "| whole run on the real curated seeds, without Prefect | seconds |",
                  "|---|---|", f"| load → transforms → checks → brief queries → render → "
                  f"snapshot | {real_seeds.text()} |"]
    lines += ["", *targets(scales, orchestration, real_seeds)]
    if profile:
        lines += ["", "Profile of a typical scheduled run (cProfile, `bench/profile_run.py`):",
                  "", *profile]
    print("\n".join(lines))
    print(f"\n({time.monotonic() - started:.0f} s; median (min–max) of {args.repeats} runs)")
    if not args.no_docs:
        from bench.report import write_report

        write_report(DOC, lines, machine(), args.repeats, datetime.now(UTC))
        print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
