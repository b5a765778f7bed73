"""Where a deploy or restore reads its source: a built-in baseline, or an uploaded file read in memory.

An upload (a zip of an export or snapshot folder, or one JSON file) goes through the Compare
page's in-memory form parser and upload reader, with their limits: no byte of it reaches the
server's disk, and nothing of it outlives the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from intune_assistant.baselines import builtin_baseline
from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

from ..comparison.forms import parse_in_memory
from ..comparison.service import BUILTIN_PREFIX, builtin_names
from ..comparison.uploads import MAX_UPLOAD_BYTES, UploadError, read_upload
from .planning import PlanInputError

_MIB = 1024 * 1024


@dataclass(frozen=True)
class SourceForm:
    """A submitted Deploy or Restore form: its text fields and the uploaded file (empty if none)."""

    fields: dict[str, str]
    filename: str
    data: bytes

    def field(self, name: str) -> str:
        """A text field, stripped ("" when absent)."""
        return self.fields.get(name, "").strip()


async def read_source_form(request: Request) -> SourceForm:
    """The form, parsed in memory within the upload limit (multipart or not); ``PlanInputError`` if unreadable."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        plain = await request.form()
        return SourceForm({k: v for k, v in plain.items() if isinstance(v, str)}, "", b"")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + 64 * 1024:
        raise PlanInputError(f"the file is larger than {MAX_UPLOAD_BYTES // _MIB} MB")
    try:
        form: FormData = await parse_in_memory(request)
    except ValueError as exc:
        raise PlanInputError(str(exc)) from None
    try:
        upload = form.get("file")
        data = b""
        filename = ""
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_UPLOAD_BYTES + 1)
            filename = upload.filename[:200]
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
    finally:
        await form.close()
    if len(data) > MAX_UPLOAD_BYTES:
        raise PlanInputError(f"the file is larger than {MAX_UPLOAD_BYTES // _MIB} MB")
    return SourceForm(fields, filename, data)


async def uploaded(data: bytes, filename: str, catalog: Catalog) -> Snapshot:
    """The uploaded export, backup or snapshot as a snapshot (read in a worker thread, in memory)."""
    if not data:
        raise PlanInputError("choose a file: a .zip of an export, backup or snapshot folder, or one .json file")
    try:
        return await run_in_threadpool(read_upload, data, filename, catalog)
    except UploadError as exc:
        raise PlanInputError(str(exc)) from None


def builtin(spec: str) -> Snapshot:
    """The built-in baseline ``builtin:NAME``."""
    if spec not in builtin_names():
        known = ", ".join(builtin_names())
        raise PlanInputError(f"there is no built-in baseline called '{spec}'; choose one of {known}")
    return builtin_baseline(spec.removeprefix(BUILTIN_PREFIX))


async def deploy_source(form: SourceForm, catalog: Catalog) -> tuple[Snapshot, str]:
    """The source a Deploy form chose (``source`` = ``builtin:NAME`` or ``upload``) and its label."""
    choice = form.field("source")
    if form.data and choice != "upload":
        # Both a file and another source: say so rather than quietly ignore one of them.
        raise PlanInputError("a file was chosen, but the source is not 'The file uploaded below': choose one of them")
    if choice == "upload":
        return await uploaded(form.data, form.filename, catalog), form.filename
    if choice.startswith(BUILTIN_PREFIX):
        return builtin(choice), choice.removeprefix(BUILTIN_PREFIX)
    raise PlanInputError("choose a source: a built-in baseline or an uploaded export")
