"""The upload forms of ``/compare``: one file, size-limited, read in memory into a snapshot and
forgotten.

Starlette's form parser spools a file part over 1 MB to a temporary file on disk; the parser
here keeps it in memory instead (the body is bounded by the upload limit before parsing), so no
byte of an upload ever reaches the server's disk.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

from ..errors import Link, ProblemPage
from .uploads import MAX_UPLOAD_BYTES, UploadError, read_upload

# Room for the form's other fields and the multipart framing around the file.
_FRAMING = 64 * 1024
_MIB = 1024 * 1024
_MAX_BODY = MAX_UPLOAD_BYTES + _FRAMING


class _TooLarge(Exception):
    """The request body ran past the upload limit while it was read."""


class _InMemoryParser(MultiPartParser):
    # A spooled file rolls over to disk only past this size, which the body can never reach.
    spool_max_size = _MAX_BODY + 1


async def _bounded(stream: AsyncGenerator[bytes, None]) -> AsyncGenerator[bytes, None]:
    """The request body, refused as soon as it exceeds the limit (a missing or false
    Content-Length cannot make the server hold more)."""
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > _MAX_BODY:
            raise _TooLarge
        yield chunk


async def _parse(request: Request) -> FormData:
    parser = _InMemoryParser(request.headers, _bounded(request.stream()), max_files=1, max_fields=10)
    return await parser.parse()


async def parse_in_memory(request: Request) -> FormData:
    """Any upload form (one file at most), parsed in memory within the upload limit; kept for the CSRF check.

    Raises:
        ValueError: the form can't be read, or the body is larger than the upload limit.
    """
    try:
        form = await _parse(request)
    except _TooLarge:
        raise ValueError(f"the file is larger than {MAX_UPLOAD_BYTES // _MIB} MB") from None
    except (MultiPartException, KeyError):
        raise ValueError("the form could not be read") from None
    request.state.form = form
    return form


def _refused(mode: str, message: str, status: int = 400) -> ProblemPage:
    what = "baseline" if mode == "baseline" else "snapshot"
    advice = (
        "Upload a .zip of an export folder (snapshot, IntuneCD, IntuneManagement or portal JSON) or one .json file."
        if mode == "baseline"
        else "Upload a .zip of an earlier snapshot or export folder of this tenant (snapshot, IntuneCD, "
        "IntuneManagement or portal JSON) or one .json file."
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
    data: bytes
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
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise _refused(mode, "the form could not be read")
    try:
        form = await _parse(request)
    except _TooLarge:
        raise _refused(mode, f"the file is larger than {MAX_UPLOAD_BYTES // _MIB} MB", 413) from None
    except (MultiPartException, KeyError, ValueError):  # malformed multipart, too many parts
        raise _refused(mode, "the form could not be read") from None
    request.state.form = form  # for the CSRF check: the body cannot be read twice
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise _refused(mode, "no file was chosen")
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise _refused(mode, f"the file is larger than {MAX_UPLOAD_BYTES // _MIB} MB", 413)
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
        data=body,
        only=form.get("only") == "1",
        download=form.get("download") == "html",
    )
