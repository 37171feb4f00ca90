"""Run the parameterised notebook with papermill in a kernel that is kept alive between reports.

A fresh kernel costs about a second and re-importing pandas/matplotlib/statsmodels a few more;
for a batch that is most of the work. :class:`KernelSession` starts one kernel and runs report
after report in it through papermill (a registered engine, ``ivp-reuse``), clearing the user
namespace before each run (``%reset -f``) so no variable of one municipality reaches the next.
Imported modules stay loaded: that is the saving. After a timeout or a dead kernel the session
starts a new kernel, so the next report gets a clean one.
"""
from __future__ import annotations

import copy
import logging
import time
from pathlib import Path

import nbformat
import papermill as pm
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

from ivpanalysis import paths

log = logging.getLogger(__name__)

NOTEBOOK = paths.NOTEBOOKS_DIR / "evaluatie.ipynb"
ENGINE = "ivp-reuse"
KERNEL = "python3"

#: run before every report in a reused kernel: no variable, figure or display hook survives.
#: ``%reset -f`` ends in a full garbage collection; ``gc.freeze()`` then moves what survived (the
#: imported modules) out of the collector's view, so the next report's collection only walks that
#: report's own objects instead of the whole scientific stack.
RESET = (
    "get_ipython().run_line_magic('reset', '-f')\n"
    "import sys as _sys, gc as _gc\n"
    "if 'matplotlib.pyplot' in _sys.modules: _sys.modules['matplotlib.pyplot'].close('all')\n"
    "_gc.freeze()\n"
    "del _sys, _gc\n"
)


PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = 9) -> None:
    """Ask Linux to kill this process when its parent dies (workers, kernels); nothing elsewhere.

    A killed batch must not leave workers and kernels running (each holds a few hundred MB).
    """
    import ctypes
    import os
    import sys
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


class ReportFailed(Exception):
    """A report could not be produced; ``reason`` is a one-line explanation for the manifest."""

    def __init__(self, reason: str, kind: str = "error"):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


class _ReusingClient(PapermillNotebookClient):
    """papermill's client, using the session's kernel and clearing its namespace first."""

    def __init__(self, nb_man, session: "KernelSession", **kw):
        super().__init__(nb_man, km=session.km, **kw)
        self.kc = session.kc
        self.session = session

    def execute(self, **kwargs):
        with self.setup_kernel(**kwargs):
            self.session.kc = self.kc
            t = time.perf_counter()
            reply = self.wait_for_reply(self.kc.execute(RESET, silent=True, store_history=False))
            if reply is None or reply["content"].get("status") != "ok":
                raise RuntimeError("could not reset the kernel namespace")
            self.session.timings["reset"] = time.perf_counter() - t
        return super().execute(**kwargs)


class ReusedKernelEngine(NBClientEngine):
    """papermill engine executing in a :class:`KernelSession`'s running kernel."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, session=None, **kwargs):
        if session is None:
            raise ValueError("the ivp-reuse engine needs session=KernelSession(...)")
        client = _ReusingClient(nb_man, session, timeout=execution_timeout, startup_timeout=start_timeout,
                                kernel_name=kernel_name, log=log, log_output=log_output,
                                stdout_file=stdout_file, stderr_file=stderr_file)
        return client.execute()


papermill_engines.register(ENGINE, ReusedKernelEngine)


def _renumber(nb) -> None:
    """Execution counts 1, 2, … as in a fresh kernel (the reused kernel keeps counting)."""
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is None:
            continue
        n += 1
        cell.execution_count = n
        for out in cell.get("outputs", []):
            if out.get("output_type") == "execute_result":
                out["execution_count"] = n


def _cell_seconds(nb) -> dict[str, float]:
    """Seconds per tagged phase (``imports`` and everything else = ``compute``) from papermill's metadata."""
    out = {"imports": 0.0, "compute": 0.0}
    for cell in nb.cells:
        d = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if cell.cell_type != "code" or d is None:
            continue
        phase = "imports" if "imports" in cell.get("metadata", {}).get("tags", []) else "compute"
        out[phase] += float(d)
    return out


class KernelSession:
    """One Jupyter kernel that runs report after report (see the module docstring)."""

    def __init__(self, kernel_name: str = KERNEL, startup_timeout: float = 60, cwd: str | Path | None = None):
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.cwd = str(cwd or paths.NOTEBOOKS_DIR)
        self.km = None
        self.kc = None
        self.timings: dict[str, float] = {}

    def start(self, attempts: int = 3) -> None:
        """Start the kernel (once; later calls do nothing while it lives).

        Parallel workers occasionally lose a race for a ZMQ port or a kernel misses its start
        timeout (papermill #511, #239); a failed start is cleaned up and tried again.
        """
        if self.km is not None:
            return
        from nbclient import NotebookClient
        t = time.perf_counter()
        for attempt in range(1, attempts + 1):
            boot = NotebookClient(nbformat.v4.new_notebook(), kernel_name=self.kernel_name,
                                  startup_timeout=self.startup_timeout)
            self.km = boot.create_kernel_manager()
            self._ipc(self.km)
            try:
                boot.start_new_kernel(cwd=self.cwd, preexec_fn=die_with_parent)
                self.kc = boot.start_new_kernel_client()
                break
            except Exception:  # noqa: BLE001 - retried, then raised
                log.warning("kernel start failed (attempt %d of %d)", attempt, attempts, exc_info=True)
                self.shutdown()
                if attempt == attempts:
                    raise
        self.timings["kernel_start"] = time.perf_counter() - t

    def _ipc(self, km) -> None:
        """Kernel sockets as local files (IPC) in a private folder: nothing listens on TCP, and the
        kernel has no reason to warn "Kernel is running over TCP without encryption"."""
        import tempfile
        self._ipc_dir = tempfile.mkdtemp(prefix="ivp-kernel-")
        km.transport = "ipc"
        km.ip = str(Path(self._ipc_dir) / "kernel")

    def shutdown(self) -> None:
        """Stop the kernel (and its channels); safe to call twice."""
        km, kc, self.km, self.kc = self.km, self.kc, None, None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001 - the kernel may already be gone
                pass
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001
                log.warning("kernel did not shut down cleanly", exc_info=True)
        ipc, self._ipc_dir = getattr(self, "_ipc_dir", None), None
        if ipc:
            import shutil
            shutil.rmtree(ipc, ignore_errors=True)

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def alive(self) -> bool:
        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()

    def evaluate(self, expression: str, timeout: float = 60) -> str | None:
        """The ``text/plain`` value of ``expression`` in the kernel's namespace after a run (e.g. a
        figure the report computed); None when it raised or the kernel did not answer in time."""
        if self.kc is None:
            return None
        msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"v": expression})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                reply = run_sync(self.kc.get_shell_msg)(timeout=max(0.01, deadline - time.monotonic()))
            except Exception:  # noqa: BLE001 - queue.Empty on timeout, or a closed channel
                return None
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue  # a late reply of something earlier
            value = reply["content"].get("user_expressions", {}).get("v", {})
            return value.get("data", {}).get("text/plain") if value.get("status") == "ok" else None
        return None

    def run(self, parameters: dict, notebook: str | Path | nbformat.NotebookNode = NOTEBOOK,
            timeout: float | None = 600) -> nbformat.NotebookNode:
        """Execute ``notebook`` with ``parameters``; the executed notebook (nothing is written).

        Raises :class:`ReportFailed` with a one-line reason for a cell error, a timeout or a dead
        kernel; the kernel is replaced after the latter two.
        """
        if timeout is not None and not (0 < timeout < float("inf")):
            raise ValueError(f"timeout must be a positive number of seconds per cell (got {timeout}); None: no limit")
        self.timings = {}
        if self.km is None or not self.alive():
            self.shutdown()
            self.start()
        nb = nbformat.read(str(notebook), as_version=4) if not isinstance(notebook, nbformat.NotebookNode) \
            else copy.deepcopy(notebook)
        t = time.perf_counter()
        try:
            out = pm.execute_notebook(nb, None, parameters=parameters, engine_name=ENGINE, kernel_name=self.kernel_name,
                                      progress_bar=False, request_save_on_cell_execute=False,
                                      execution_timeout=timeout, start_timeout=self.startup_timeout, session=self)
        except pm.PapermillExecutionError as e:
            last = str(e.evalue).strip().splitlines()[-1] if str(e.evalue).strip() else ""
            raise ReportFailed(f"{e.ename}: {last}"[:500], "cell_error") from None  # a cell number means nothing to a reader
        except CellTimeoutError:
            self.restart()
            raise ReportFailed(f"tijdslimiet van {timeout:g} s per cel overschreden", "timeout") from None
        except DeadKernelError:
            self.restart()
            raise ReportFailed("de kernel is onverwacht gestopt (geheugen vol of afgebroken)", "dead_kernel") from None
        self.timings.update(_cell_seconds(out))
        self.timings["execute"] = time.perf_counter() - t
        _renumber(out)
        return out
