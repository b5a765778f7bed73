"""The Assignment manager's input and review pages over the demo tenant: every input plans read-only,
refused rows say why, the desired-state export is valid input, and nothing reaches the tenant."""

from __future__ import annotations

import copy
import re
from typing import Any

from intune_assistant.analyses.assignments import parse_target


def _policy(web: Any, index: int = 0) -> dict[str, Any]:
    items = [p for p in web.tenant("contoso").objects["settingsCatalog"] if p.get("assignments")]
    return items[index]


def _group_names(web: Any) -> dict[str, str]:
    names: dict[str, list[str]] = {}
    for group in web.tenant("contoso").objects["groups"]:
        names.setdefault(group["displayName"], []).append(group["id"])
    return {name: ids[0] for name, ids in names.items() if len(ids) == 1}


async def _ready(web: Any) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies()


async def _review(web: Any, **fields: Any) -> Any:
    return await web.client.post("/assignment-manager/review", data={"csrf_token": web.csrf(), **fields})


async def test_search_picks_objects_across_types_and_keeps_the_selection_in_the_url(web) -> None:
    await _ready(web)
    policy = _policy(web)
    page = await web.wait_for_policies(f"/assignment-manager?q={policy['name'][:12]}")
    assert page.status_code == 200 and "Assignment manager" in page.text
    assert f'value="settingsCatalog/{policy["id"]}"' in page.text
    app = web.tenant("contoso").objects["mobileApps"][0]
    chosen = await web.client.get(
        "/assignment-manager", params={"q": app["displayName"], "object": f"settingsCatalog/{policy['id']}"}
    )
    assert re.search(rf'name="object" value="settingsCatalog/{policy["id"]}" checked', chosen.text)
    assert f'value="mobileApps/{app["id"]}"' in chosen.text


async def test_form_plans_a_group_for_the_picked_objects_and_changes_nothing(web) -> None:
    await _ready(web)
    before = copy.deepcopy(web.tenant("contoso").objects["settingsCatalog"])
    policies = [_policy(web, 0), _policy(web, 1)]
    assigned = {parse_target(a).group_id for p in policies for a in p["assignments"]}
    name = next(n for n, g in _group_names(web).items() if g not in assigned)
    review = await _review(
        web,
        input="form",
        object=[f"settingsCatalog/{p['id']}" for p in policies],
        action="add",
        target="group",
        group=name,
        direction="include",
    )
    assert review.status_code == 200, review.text
    assert 'data-testid="count-objects">2<' in review.text and 'data-testid="count-refused">0<' in review.text
    assert review.text.count('data-testid="plan-item"') == 2 and f"add {name} (include)" in review.text
    assert 'data-testid="module-needed"' in review.text  # applying needs the module
    assert web.tenant("contoso").objects["settingsCatalog"] == before


async def test_commercial_csv_rows_are_planned_or_refused_with_their_reason(web) -> None:
    await _ready(web)
    policy = _policy(web)
    names = _group_names(web)
    group = next(iter(names))
    text = (
        "PolicyName;GroupName;AssignmentDirection;AssignmentAction;Filter;FilterType\r\n"
        f"{policy['name']};{group};Exclude;Add;;\r\n"
        f"{policy['name']};No Such Group;Include;Add;;\r\n"
        f"{policy['name']};{group};Include;Add;Some filter;\r\n"
    )
    files = {"file": ("desired.csv", text.encode("utf-16"), "text/csv")}
    review = await web.client.post(
        "/assignment-manager/review", data={"csrf_token": web.csrf(), "input": "csv"}, files=files
    )
    assert review.status_code == 200, review.text
    assert 'data-testid="count-refused">2<' in review.text
    assert "no group named &#39;No Such Group&#39;" in review.text and "row 3" in review.text
    assert "has no FilterType" in review.text and "row 4" in review.text


async def test_the_desired_state_export_uploads_back_as_an_empty_plan(web) -> None:
    await _ready(web)
    export = await web.client.get("/assignment-manager/desired-state.csv")
    assert export.status_code == 200 and "desired-assignments" in export.headers["content-disposition"]
    assert export.content.startswith("\ufeff".encode()) and b"PolicyName;GroupName" in export.content
    files = {"file": ("desired.csv", export.content, "text/csv")}
    review = await web.client.post(
        "/assignment-manager/review", data={"csrf_token": web.csrf(), "input": "csv"}, files=files
    )
    assert review.status_code == 200, review.text
    assert 'data-testid="count-objects">0<' in review.text


async def test_removing_a_group_plans_it_off_every_object_that_targets_it(web) -> None:
    await _ready(web)
    policy = _policy(web)
    group_ids = {v: k for k, v in _group_names(web).items()}
    target = next(parse_target(a) for a in policy["assignments"] if parse_target(a).group_id in group_ids)
    review = await _review(web, input="remove-group", group=group_ids[target.group_id])
    assert review.status_code == 200, review.text
    assert int(re.search(r'data-testid="count-objects">(\d+)<', review.text).group(1)) >= 1
    assert policy["name"] in review.text


async def test_bad_input_is_a_clear_page_and_a_missing_csrf_token_is_refused(web) -> None:
    await _ready(web)
    nothing = await _review(web, input="form", action="add", target="group", group="x", direction="include")
    assert nothing.status_code == 400 and "Pick at least one policy" in nothing.text
    garbage = await web.client.post(
        "/assignment-manager/review",
        data={"csrf_token": web.csrf(), "input": "csv"},
        files={"file": ("x.csv", b"\xff\xfe\x00", "text/csv")},
    )
    assert garbage.status_code == 400 and "Nothing was changed" in garbage.text
    forged = await web.client.post("/assignment-manager/review", data={"input": "remove-group", "group": "x"})
    assert forged.status_code in (400, 403)
