"""The one way the window runs long work off the GUI thread: run_in_background."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failure:
    """Work that raised: the exception and its traceback as text, for the crash dialog."""

    error: BaseException
    details: str


class TaskContext:
    """Handed to background work: report progress, and ask whether to stop."""

    def __init__(self, task: Task) -> None:
        self._task = task

    def progress(self, done: int, total: int, stage: str = "") -> None:
        self._task._bridge.progressed.emit(done, total, stage)

    def cancelled(self) -> bool:
        return self._task._cancel.is_set()


class _Bridge(QObject):
    """Carries results from a worker thread to the GUI thread (queued signals)."""

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)


class Task(QObject):
    """Background work in flight: cancel it, or wait for it in tests."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._bridge = _Bridge()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work has ended (not until its callbacks ran)."""
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        return self._done.is_set()


class BackgroundRunner(QObject):
    """Worker pools: `general` for analysis, OCR and reports; `writer` for every case write;
    `interval` for the one interval capture that may run.

    The writer pool has one thread, so writes to the open case happen one at a time and in
    the order they were asked for, whichever widget asked.
    """

    def __init__(self, general_threads: int = 2) -> None:
        super().__init__()
        self._pools = {
            "general": ThreadPoolExecutor(general_threads, thread_name_prefix="er-work"),
            "writer": ThreadPoolExecutor(1, thread_name_prefix="er-writer"),
            "interval": ThreadPoolExecutor(1, thread_name_prefix="er-interval"),
        }
        self._tasks: set[Task] = set()

    def run(
        self,
        fn: Callable[[TaskContext], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Failure], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        *,
        name: str = "",
        pool: str = "general",
    ) -> Task:
        """Run fn(context) on a worker; the callbacks run on the GUI thread afterwards."""
        task = Task(name or getattr(fn, "__name__", "task"))
        bridge = task._bridge
        app = QCoreApplication.instance()
        if app is not None and QThread.currentThread() != app.thread():
            # Callbacks connected here would belong to a thread without an event loop and
            # never run: work already off the GUI thread calls the core directly.
            raise RuntimeError("run_in_background must be called from the GUI thread")
        connection = Qt.ConnectionType.QueuedConnection
        if on_done is not None:
            bridge.finished.connect(on_done, connection)
        if on_error is not None:
            bridge.failed.connect(on_error, connection)
        if on_progress is not None:
            bridge.progressed.connect(on_progress, connection)

        def forget(_value: object) -> None:
            # Only after this task's own callbacks ran: dropping the last reference to its
            # bridge earlier would silently drop the queued callbacks with it.
            self._tasks.discard(task)

        bridge.finished.connect(forget, connection)
        bridge.failed.connect(forget, connection)
        self._tasks.add(task)

        def work() -> None:
            try:
                result = fn(TaskContext(task))
            except BaseException as error:  # noqa: BLE001 - every failure reaches the GUI
                log.info("background task %s failed: %s", task.name, error)
                task._done.set()
                bridge.failed.emit(Failure(error, traceback.format_exc()))
                return
            task._done.set()
            bridge.finished.emit(result)

        self._pools[pool].submit(work)
        return task

    def shutdown(self, wait: bool = True) -> None:
        """Ask running work to stop, then let the pools finish (writes are never cut off)."""
        for task in self._tasks:
            task.cancel()
        for pool in self._pools.values():
            pool.shutdown(wait=wait, cancel_futures=False)


_runner: BackgroundRunner | None = None


def runner() -> BackgroundRunner:
    """The application's runner, made on first use (after the QApplication)."""
    global _runner
    if _runner is None:
        _runner = BackgroundRunner()
    return _runner


def run_in_background(
    fn: Callable[[TaskContext], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[Failure], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    *,
    name: str = "",
    pool: str = "general",
) -> Task:
    """Run fn(context) off the GUI thread; on_done/on_error/on_progress run on the GUI thread."""
    return runner().run(fn, on_done, on_error, on_progress, name=name, pool=pool)


def shutdown_runner(wait: bool = True) -> None:
    global _runner
    if _runner is not None:
        _runner.shutdown(wait)
        _runner = None
