"""Routes of the comparison pages (included by ``web.app``)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
