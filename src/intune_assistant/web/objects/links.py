"""The stable URL of an object's page: type key and id in the path, the tenant in the session."""

from __future__ import annotations

from urllib.parse import quote


def object_url(type_key: str, object_id: str) -> str:
    """``/objects/<type key>/<id>``; both parts are path-quoted (ids of some types hold ``/`` or ``_``)."""
    return f"/objects/{quote(type_key, safe='')}/{quote(object_id, safe='')}"
