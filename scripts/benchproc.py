"""What the benchmarks that measure in fresh processes share: the peak memory of a process and running one step of
a benchmark in a child process (so that each step's memory and imports are its own)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_mb() -> float:
    """Peak resident memory of this process. VmHWM (Linux) is this process's own high-water mark; getrusage's
    ru_maxrss can carry over the parent's peak across fork/exec, so it is the fallback only."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def run_child(module: str, *args: str) -> dict:
    """``python -m <module> --child <args>`` from the project root; its last line of output, read as JSON."""
    proc = subprocess.run([sys.executable, "-m", module, "--child", *args], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    if proc.returncode:
        raise SystemExit(f"benchmark step {args[0]} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
