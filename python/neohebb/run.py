"""`neohebb run` from Python: the installed binary, its progress shown, the run loaded."""
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from .errors import NeohebbError
from .load import load


def find_binary():
    """The neohebb executable: $NEOHEBB if set, else `neohebb` on PATH, else build/neohebb of the
    source tree this package sits in (python/neohebb/ -> build/neohebb)."""
    if os.environ.get("NEOHEBB"):
        return os.environ["NEOHEBB"]
    on_path = shutil.which("neohebb")
    if on_path:
        return on_path
    in_tree = Path(__file__).resolve().parents[2] / "build" / "neohebb"
    if in_tree.is_file() and os.access(in_tree, os.X_OK):
        return str(in_tree)
    raise NeohebbError("no neohebb executable: not on PATH, not in the source tree's build/, "
                       "and $NEOHEBB is not set")


def _toml_value(value):
    """A Python value as the TOML literal --set takes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"--set value {value!r}: not a bool, number, string or list")


def _echo(stream, sink, kept):
    """Copies neohebb's stderr (progress, errors) to `sink` as it comes, keeping a copy."""
    while True:
        chunk = os.read(stream.fileno(), 4096)
        if not chunk:
            return
        text = chunk.decode("utf-8", "replace")
        kept.append(text)
        if sink is not None:
            sink.write(text)
            sink.flush()


def _error_message(stderr):
    """neohebb's error lines (`error: file:line:col: ...`), without the progress around them."""
    lines = [line.strip() for line in re.split(r"[\r\n]", stderr) if line.strip()]
    errors = [line for line in lines if line.startswith("error")]
    return "\n".join(errors or lines[-5:]) or "neohebb failed without a message"


def run(experiment, set=None, out=None, threads=None, overwrite=False, quiet=False, binary=None):
    """Runs `neohebb run EXPERIMENT` and returns the loaded run directory (a Run).

    set: {"section.key": value} overrides (--set), e.g. {"experiment.trials": 200};
    out: the run directory (default: neohebb's runs/<name>-<date>-<time>); threads: --threads;
    quiet: no progress on stderr. Raises NeohebbError with neohebb's message when it fails."""
    command = [binary or find_binary(), "run", str(experiment)]
    for key, value in (set or {}).items():
        command += ["--set", f"{key}={_toml_value(value)}"]
    if out is not None:
        command += ["--out", str(out)]
    if threads is not None:
        command += ["--threads", str(int(threads))]
    if overwrite:
        command.append("--overwrite")
    if quiet:
        command.append("-q")
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        raise NeohebbError(f"{command[0]}: cannot be run ({e.strerror})", None, command) from None
    kept = []
    with process:  # closes the pipes
        echo = threading.Thread(target=_echo,
                                args=(process.stderr, None if quiet else sys.stderr, kept))
        echo.start()
        stdout = process.stdout.read().decode("utf-8", "replace")
        process.wait()
        echo.join()
    if process.returncode != 0:
        raise NeohebbError(_error_message("".join(kept)), process.returncode, command)
    found = re.search(r"^run directory: (.+)$", stdout, re.MULTILINE)
    if out is None and not found:
        raise NeohebbError(f"neohebb did not say where the run went; its output:\n{stdout}",
                           process.returncode, command)
    return load(out if out is not None else found.group(1))
