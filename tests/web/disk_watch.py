"""Watching for files written while the web app works: the operating system's view and Python's.

Two watchers, because each sees what the other cannot:

* ``watchdog`` (inotify on Linux) over folders: any file that appears in them, from any code,
  Python or C, even when it is deleted a moment later.
* A Python audit hook over this process: every ``open`` for writing and every ``tempfile`` call,
  wherever it points. It also sees anonymous temporary files (``O_TMPFILE``, what
  ``tempfile.TemporaryFile`` uses on Linux), which never show up in a folder listing.

Audit hooks cannot be removed, so one hook is installed once and reports only while a watch is on.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC | getattr(os, "O_TMPFILE", 0)
_active: list[DiskWatch] = []
_installed = False
_lock = threading.Lock()


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _active:
        return
    if event in ("tempfile.mkstemp", "tempfile.mkdtemp"):
        for watch in _active:
            watch.record(f"{event}: {args[0]}")
    elif event == "open" and len(args) >= 3:
        path, mode, flags = args[0], args[1], args[2]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if writing and not isinstance(path, int):
            for watch in _active:
                watch.record(f"opened for writing: {os.fsdecode(path)}")


class _Handler(FileSystemEventHandler):
    def __init__(self, watch: DiskWatch) -> None:
        self.watch = watch

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("created", "modified", "moved", "closed") and not event.is_directory:
            self.watch.record(f"{event.event_type}: {os.fsdecode(event.src_path)}")
        elif event.event_type == "created":
            self.watch.record(f"folder created: {os.fsdecode(event.src_path)}")


class DiskWatch:
    """While entered: everything written in ``folders`` (OS view) or by this process (audit)."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self.folders = [Path(f) for f in folders]
        self.appeared: list[str] = []
        self._observer: Any = None

    def record(self, what: str) -> None:
        with _lock:
            self.appeared.append(what)

    def __enter__(self) -> DiskWatch:
        global _installed
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
        self._observer = Observer()
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._observer.schedule(_Handler(self), str(folder), recursive=True)
        self._observer.start()
        _active.append(self)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        # inotify events arrive through a thread: give the last ones time to be read.
        time.sleep(0.5)
        _active.remove(self)
        self._observer.stop()
        self._observer.join(timeout=10)
