"""The upload forms of ``/compare``: one file, size-limited, read into a snapshot and forgotten."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request

from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

from ..errors import Link, ProblemPage
from .uploads import MAX_UPLOAD_BYTES, UploadError, read_upload

# Room for the form's other fields and the multipart framing around the file.
_FRAMING = 64 * 1024
_MIB = 1024 * 1024


def _refused(mode: str, message: str, status: int = 400) -> ProblemPage:
    what = "baseline" if mode == "baseline" else "snapshot"
    advice = (
        "Upload a .zip of an export folder (snapshot, IntuneCD, IntuneManagement or portal JSON) or one .json file."
        if mode == "baseline"
        else "Upload a .zip of a snapshot folder of this tenant (made with intune-assistant snapshot)."
    )
    return ProblemPage(
        status,
        f"The uploaded {what} could not be used",
        message[:1:].upper() + message[1:] + ".",
        advice=advice + f" Files up to {MAX_UPLOAD_BYTES // _MIB} MB. Nothing was kept on the server.",
        links=[Link("Try another file", f"/compare/{mode}", primary=True)],
    )


@dataclass
class UploadForm:
    """The fields of an upload form: the file and the options."""

    mode: str
    filename: str
    data: IO[bytes]
    only: bool
    download: bool

    async def snapshot(self, catalog: Catalog, *, snapshot_only: bool) -> Snapshot:
        """The uploaded file read into a snapshot (in a worker thread); a ``ProblemPage`` if unusable."""
        try:
            return await run_in_threadpool(read_upload, self.data, self.filename, catalog, snapshot_only=snapshot_only)
        except UploadError as exc:
            raise _refused(self.mode, str(exc)) from None


async def read_form(request: Request, mode: str) -> UploadForm:
    """Parse the multipart form (one file at most) after checking the declared size."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + _FRAMING:
        raise _refused(mode, f"the file is larger than {MAX_UPLOAD_BYTES // _MIB} MB", 413)
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception:  # malformed multipart, too many parts: Starlette's own errors
        raise _refused(mode, "the form could not be read") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise _refused(mode, "no file was chosen")
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise _refused(mode, f"the file is larger than {MAX_UPLOAD_BYTES // _MIB} MB", 413)
        # Read into memory (bounded) so Starlette's spooled file can be closed and gone at once.
        body = await upload.read(MAX_UPLOAD_BYTES + 1)
        filename = upload.filename[:200]
    finally:
        await form.close()
    if len(body) > MAX_UPLOAD_BYTES:
        raise _refused(mode, f"the file is larger than {MAX_UPLOAD_BYTES // _MIB} MB", 413)
    if not body:
        raise _refused(mode, "the file is empty")
    return UploadForm(
        mode=mode,
        filename=filename,
        data=io.BytesIO(body),
        only=form.get("only") == "1",
        download=form.get("download") == "html",
    )
