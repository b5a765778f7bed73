"""Routes of the documentation pages (included by ``web.app``)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
