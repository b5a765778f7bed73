"""Where the emulator once differed from Microsoft Graph, each pinned to the Graph doc it follows.

Docs are named by their page in Microsoft's Graph documentation (learn.microsoft.com/graph/…), or by
the GitHub thread where Graph's behaviour was observed.
"""

from __future__ import annotations

from typing import Any

import httpx

GRAPH_CONTEXT = "https://graph.microsoft.com/beta/$metadata#"
ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def by_id(response: httpx.Response) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.text
    return {r["id"]: r for r in response.json()["responses"]}


def get(step_id: Any, url: str, **extra: Any) -> dict[str, Any]:
    return {"id": step_id, "method": "GET", "url": url, **extra}


def items_of(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for page in pages for item in page["value"]]


# --- $batch ----------------------------------------------------------------------------------


async def test_numeric_batch_ids_are_accepted_and_echoed(env: Any) -> None:
    """json-batching.md ("id … A correlation value"): Graph takes ``"id": 1`` and answers with its text."""
    steps = [get(1, "/users/u-001"), get(2, "/groups/g-all", dependsOn=[1])]
    async with env.client() as client:
        results = by_id(await client.post("/v1.0/$batch", json={"requests": steps}))
    assert results["1"]["status"] == 200 and results["1"]["body"]["id"] == "u-001"
    assert results["2"]["body"]["id"] == "g-all"


async def test_batch_ids_that_differ_only_in_case_are_refused(env: Any) -> None:
    """json-batching.md: the id is "Not case-sensitive. Must be unique in the batch, otherwise … 400"."""
    async with env.client() as client:
        same = await client.post("/v1.0/$batch", json={"requests": [get("a", "/users/u-001"), get("A", "/users")]})
        distinct = await client.post("/v1.0/$batch", json={"requests": [get("a", "/users/u-001"), get("b", "/users")]})
    assert same.status_code == 400
    assert "unique" in same.json()["error"]["message"]
    assert distinct.status_code == 200


async def test_depends_on_batches_are_fully_sequential_or_fully_parallel(env: Any) -> None:
    """json-batching.md ("Batch should be either fully sequential or fully parallel"); a request
    depending on two others is refused (microsoft-graph-docs#16280), a dependency must come first
    (msgraph-sdk-java-core#71); ids in dependsOn match without regard to case."""
    mixed = [get("1", "/users/u-001"), get("2", "/users/u-002"), get("3", "/users/u-003", dependsOn=["1"])]
    two = [
        get("1", "/users/u-001"),
        get("2", "/users/u-002", dependsOn=["1"]),
        get("3", "/users", dependsOn=["1", "2"]),
    ]
    forward = [get("1", "/users/u-001", dependsOn=["2"]), get("2", "/users/u-002")]
    chain = [get("a", "/users/u-001"), get("b", "/users/u-002", dependsOn=["A"]), get("c", "/users", dependsOn=["b"])]
    async with env.client() as client:
        answers = [await client.post("/v1.0/$batch", json={"requests": r}) for r in (mixed, two, forward)]
        sequential = by_id(await client.post("/v1.0/$batch", json={"requests": chain}))
    for answer in answers:
        assert answer.status_code == 400
        assert answer.json()["error"]["message"] == "Batch should be either fully sequential or fully parallel."
    assert [sequential[i]["status"] for i in "abc"] == [200, 200, 200]


# --- $filter ---------------------------------------------------------------------------------


async def test_filters_real_clients_send_are_evaluated(contoso: Any, pages: Any) -> None:
    """Graph's filter grammar (query-parameters.md, "filter parameter"; filter-query-parameter.md):
    the three filters a backup tool sent, answered with the objects they select."""
    data = contoso.tenant.objects
    app_filter = (
        "(microsoft.graph.managedApp/appAvailability) eq null or "
        "(microsoft.graph.managedApp/appAvailability) eq 'lineOfBusiness' or isAssigned eq true"
    )
    unmanaged_filter = app_filter.rsplit(" or ", 1)[0]
    async with contoso.client() as client:
        apps = items_of(await pages(client, f"/beta/deviceAppManagement/mobileApps?$filter={app_filter}"))
        unmanaged = items_of(await pages(client, f"/beta/deviceAppManagement/mobileApps?$filter={unmanaged_filter}"))
        roles = items_of(await pages(client, "/beta/deviceManagement/roleDefinitions?$filter=isBuiltIn eq false"))
        macs = items_of(
            await pages(client, "/beta/deviceManagement/managedDevices?$filter=startswith(operatingSystem,'macOS')")
        )
    expected_apps = [
        a["id"]
        for a in data["mobileApps"]
        if a.get("appAvailability") in (None, "lineOfBusiness") or a.get("isAssigned") is True
    ]
    assert [a["id"] for a in apps] == expected_apps
    # Without "isAssigned eq true" the cast leaves out the managed store apps (appAvailability "global").
    expected_unmanaged = [a["id"] for a in data["mobileApps"] if a.get("appAvailability") in (None, "lineOfBusiness")]
    assert [a["id"] for a in unmanaged] == expected_unmanaged
    assert 0 < len(expected_unmanaged) < len(data["mobileApps"])
    assert [r["id"] for r in roles] == [r["id"] for r in data["roleDefinitions"] if r["isBuiltIn"] is False]
    assert roles and all(r["isBuiltIn"] is False for r in roles)
    expected_macs = [d["id"] for d in data["managedDevices"] if d["operatingSystem"].startswith("macOS")]
    assert [d["id"] for d in macs] == expected_macs and expected_macs


async def test_filter_grammar_operators_functions_and_lambdas(env: Any, pages: Any) -> None:
    """filter-query-parameter.md: ``and or not ne in``, ``endswith``/``contains``/``tolower``, and
    ``any`` over a collection (groupTypes/any(c:c eq 'Unified'))."""
    policies = "/beta/deviceManagement/configurationPolicies"
    queries = {
        "and_or": "(name eq 'Policy 01' or name eq 'Policy 02') and platforms eq 'windows10'",
        "not_ne": "not (name ne 'Policy 03')",
        "in": "name in ('Policy 04', 'Policy 05', 'nope')",
        "functions": "endswith(name,'29') or contains(tolower(name),'policy 1')",
        "has": "technologies has 'mdm'",
    }
    async with env.client() as client:
        found = {
            key: sorted(i["id"] for i in items_of(await pages(client, f"{policies}?$filter={text}")))
            for key, text in queries.items()
        }
        dynamic = items_of(await pages(client, "/v1.0/groups?$filter=groupTypes/any(c:c eq 'DynamicMembership')"))
    assert found["and_or"] == ["cp-01", "cp-02"]
    assert found["not_ne"] == ["cp-03"]
    assert found["in"] == ["cp-04", "cp-05"]
    assert found["functions"] == [*(f"cp-1{i}" for i in range(10)), "cp-29"]
    assert len(found["has"]) == 30
    assert [g["id"] for g in dynamic] == ["g-dynamic"]


async def test_a_refused_filter_is_described_as_sent(env: Any) -> None:
    """Graph answers a filter its OData parser refuses with 400 naming that filter (errors.md; the
    messages are those of Microsoft's OData library)."""
    policies = "/beta/deviceManagement/configurationPolicies"
    async with env.client() as client:
        syntax = await client.get(policies, params={"$filter": "name eq"})
        unknown = await client.get(policies, params={"$filter": "colour eq 'red'"})
        function = await client.get(policies, params={"$filter": "soundex(name) eq 'x'"})
        compliance = await client.get(
            "/beta/deviceManagement/deviceCompliancePolicies", params={"$filter": "startswith(displayName,'W')"}
        )
    assert syntax.status_code == 400
    assert syntax.json()["error"]["message"] == "Syntax error at position 7 in 'name eq'."
    assert unknown.json()["error"]["message"] == (
        "Could not find a property named 'colour' on type 'microsoft.graph.deviceManagementConfigurationPolicy'."
    )
    assert "'soundex'" in function.json()["error"]["message"]
    # Observed: string functions are refused on deviceCompliancePolicies (Microsoft365DSC#4597).
    assert compliance.status_code == 400 and "'startswith'" in compliance.json()["error"]["message"]


# --- $select, $orderby -----------------------------------------------------------------------


async def test_audit_events_since_a_moment_name_what_writes_touched(env: Any) -> None:
    """intune-auditing-auditevent-list.md (``GET /deviceManagement/auditEvents``; the auditEvent
    resource: ``activityDateTime``, ``activityOperationType``, ``resources[].resourceId``) with the
    filter IntuneCD sends (IntuneCD#217: ``activityDateTime gt … and activityOperationType ne
    'Get'``, ``$select``): events before the moment are left out."""
    async with env.client() as client:
        first = await client.patch("/beta/deviceManagement/configurationPolicies/cp-01", json={"description": "a"})
        env.tenant.audit_events[0]["activityDateTime"] = "2020-01-01T00:00:00.0000000Z"
        second = await client.patch("/beta/deviceManagement/configurationPolicies/cp-02", json={"description": "b"})
        since = await client.get(
            "/beta/deviceManagement/auditEvents",
            params={
                "$filter": "activityDateTime ge 2024-01-01T00:00:00Z and activityOperationType ne 'Get'",
                "$select": "activityDateTime,activityOperationType,resources",
            },
        )
    assert first.status_code == second.status_code == 204
    assert since.status_code == 200, since.text
    events = since.json()["value"]
    assert [e["resources"][0]["resourceId"] for e in events] == ["cp-02"]
    assert set(events[0]) == {"@odata.type", "id", "activityDateTime", "activityOperationType", "resources"}


async def test_select_of_an_unknown_property_is_refused(env: Any) -> None:
    """query-parameters.md ("select parameter"): an unknown property in $select is a 400
    "Could not find a property named …" (microsoft/intune-my-macs#41)."""
    async with env.client() as client:
        unknown = await client.get("/beta/deviceManagement/deviceConfigurations", params={"$select": "colour"})
        known = await client.get("/beta/deviceManagement/deviceConfigurations", params={"$select": "displayName"})
    assert unknown.status_code == 400
    assert unknown.json()["error"]["message"] == (
        "Parsing OData Select and Expand failed: Could not find a property named 'colour' on type "
        "'microsoft.graph.deviceConfiguration'."
    )
    assert known.status_code == 200
    assert set(known.json()["value"][0]) == {"@odata.type", "id", "displayName"}


async def test_orderby_sorts_before_paging(env: Any, pages: Any) -> None:
    """query-parameters.md ("orderby parameter"); observed working on Intune policy lists
    (shared reference §3: CIPP's ``$orderby=lastModifiedDateTime desc``)."""
    async with env.client() as client:
        ordered = items_of(await pages(client, "/beta/deviceManagement/configurationPolicies?$orderby=name desc"))
    assert [p["name"] for p in ordered] == sorted(
        (p["name"] for p in env.tenant.objects["settingsCatalog"]), reverse=True
    )


# --- $expand and annotations -----------------------------------------------------------------


async def test_documented_expands_are_served(contoso: Any) -> None:
    """Every navigation of a type can be expanded (query-parameters.md, "expand parameter"):
    compliancePolicies?$expand=settings as configurationPolicies' (intune-deviceconfigv2 pages),
    notificationMessageTemplates?$expand=localizedNotificationMessages (intune-notification pages)."""
    data = contoso.tenant.objects
    async with contoso.client() as client:
        compliance = await client.get("/beta/deviceManagement/compliancePolicies", params={"$expand": "settings"})
        templates = await client.get(
            "/beta/deviceManagement/notificationMessageTemplates", params={"$expand": "localizedNotificationMessages"}
        )
        one = data["notificationTemplates"][0]
        item = await client.get(
            f"/beta/deviceManagement/notificationMessageTemplates/{one['id']}",
            params={"$expand": "localizedNotificationMessages"},
        )
    assert compliance.status_code == 200, compliance.text
    assert [len(p["settings"]) for p in compliance.json()["value"]] == [
        len(p["settings"]) for p in data["complianceSettingsPolicies"]
    ]
    assert templates.status_code == 200
    assert [t["localizedNotificationMessages"] for t in templates.json()["value"]] == [
        t["localizedNotificationMessages"] for t in data["notificationTemplates"]
    ]
    assert item.json()["localizedNotificationMessages"] == one["localizedNotificationMessages"]


async def test_expanded_collections_carry_their_context(env: Any) -> None:
    """OData JSON format §4.5.1 / Graph responses: each expanded collection is preceded by
    ``nav@odata.context``, on lists, on items and inside a nested $expand."""
    expand = "assignments,scheduledActionsForRule($expand=scheduledActionConfigurations)"
    async with env.client() as client:
        listed = (
            await client.get("/beta/deviceManagement/deviceCompliancePolicies", params={"$expand": expand})
        ).json()
        item = (await client.get("/beta/deviceManagement/configurationPolicies/cp-01?$expand=assignments")).json()
    policy = listed["value"][0]
    base = f"{GRAPH_CONTEXT}deviceManagement/deviceCompliancePolicies('comp-1')"
    assert policy["assignments@odata.context"] == f"{base}/assignments"
    assert policy["scheduledActionsForRule@odata.context"] == f"{base}/scheduledActionsForRule"
    rule = policy["scheduledActionsForRule"][0]
    assert rule["scheduledActionConfigurations@odata.context"] == (
        f"{base}/scheduledActionsForRule('rule-1')/scheduledActionConfigurations"
    )
    keys = list(rule)
    assert keys.index("scheduledActionConfigurations@odata.context") == keys.index("scheduledActionConfigurations") - 1
    assert (
        item["assignments@odata.context"]
        == f"{GRAPH_CONTEXT}deviceManagement/configurationPolicies('cp-01')/assignments"
    )


async def test_item_expand_of_assignments_is_empty_for_endpoint_security_policies(contoso: Any) -> None:
    """msgraph-sdk-powershell#3337 (open, "Service issue"): ``configurationPolicies/{id}?$expand=
    assignments`` answers ``[]`` for endpoint-security template families; the list's expand and
    ``/{id}/assignments`` are right, and other families' items are right."""
    policies = contoso.tenant.objects["settingsCatalog"]

    def family(policy: dict[str, Any]) -> str:
        return str(policy["templateReference"]["templateFamily"])

    security = next(p for p in policies if family(p).startswith("endpointSecurity") and p["assignments"])
    other = next(p for p in policies if not family(p).startswith("endpointSecurity") and p["assignments"])
    base = "/beta/deviceManagement/configurationPolicies"
    async with contoso.client() as client:
        listed = (await client.get(base, params={"$expand": "assignments", "$top": "100"})).json()["value"]
        security_item = (await client.get(f"{base}/{security['id']}", params={"$expand": "assignments"})).json()
        other_item = (await client.get(f"{base}/{other['id']}", params={"$expand": "assignments"})).json()
        security_own = (await client.get(f"{base}/{security['id']}/assignments")).json()["value"]
    in_list = next(p for p in listed if p["id"] == security["id"])
    assert len(in_list["assignments"]) == len(security["assignments"]) > 0
    assert security_item["assignments"] == []
    assert len(security_own) == len(security["assignments"])
    assert len(other_item["assignments"]) == len(other["assignments"]) > 0


async def test_actions_without_a_template_name_the_zero_guid(contoso: Any) -> None:
    """intune-deviceconfig-devicecompliancepolicy-get.md response: ``notificationTemplateId`` is a
    Guid; an action with no e-mail template has 00000000-0000-0000-0000-000000000000, never ""."""
    async with contoso.client() as client:
        response = await client.get(
            "/beta/deviceManagement/deviceCompliancePolicies",
            params={"$expand": "scheduledActionsForRule($expand=scheduledActionConfigurations)"},
        )
    actions = [
        a
        for p in response.json()["value"]
        for r in p["scheduledActionsForRule"]
        for a in r["scheduledActionConfigurations"]
    ]
    assert actions
    assert all(a["notificationTemplateId"] for a in actions)
    assert any(a["notificationTemplateId"] == ZERO_GUID for a in actions)


async def test_context_names_graph_while_next_links_lead_back(env: Any) -> None:
    """paging.md: follow ``@odata.nextLink`` as given; the context names Graph's service root
    ``https://graph.microsoft.com/{version}/$metadata#…`` whatever host answered."""
    app = env.app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="https://localhost:8443",
        headers={"Authorization": f"Bearer {env.token()}"},
    ) as client:
        first = (await client.get("/beta/deviceManagement/configurationPolicies")).json()
        second = await client.get(first["@odata.nextLink"])
        item = (await client.get("/beta/deviceManagement/configurationPolicies/cp-01")).json()
    assert first["@odata.context"] == f"{GRAPH_CONTEXT}deviceManagement/configurationPolicies"
    assert item["@odata.context"] == f"{GRAPH_CONTEXT}deviceManagement/configurationPolicies/$entity"
    assert first["@odata.nextLink"].startswith("https://localhost:8443/beta/deviceManagement/configurationPolicies?")
    assert second.status_code == 200 and len(second.json()["value"]) == 5


# --- paths -----------------------------------------------------------------------------------


async def test_path_segments_ignore_case(env: Any) -> None:
    """Graph resolves path segments without regard to case (Microsoft's OData URI parser runs
    case-insensitive on Graph; observed: a backup tool's ``/beta/devicemanagement/deviceconfigurations``
    answers 200 on Graph). Ids keep their case."""
    async with env.client() as client:
        lowered = await client.get("/beta/devicemanagement/deviceconfigurations", params={"$top": "3"})
        canonical = await client.get("/beta/deviceManagement/deviceConfigurations", params={"$top": "3"})
        child = await client.get("/beta/DEVICEMANAGEMENT/groupPolicyConfigurations/gpo-1/DefinitionValues")
        wrong_id_case = await client.get("/beta/deviceManagement/configurationPolicies/CP-01")
    assert lowered.status_code == 200
    assert lowered.json()["value"] == canonical.json()["value"]
    assert lowered.json()["@odata.context"] == canonical.json()["@odata.context"]
    assert child.json()["value"][0]["id"] == "dv-1"
    assert wrong_id_case.status_code == 404  # ids are data, not names


async def test_intune_paths_outside_the_catalog_answer_as_graph(contoso: Any, demo_env: Any, pages: Any) -> None:
    """The intune-* List/Get pages (e.g. intune-onboarding-vpptoken-list.md: "200 OK and a collection");
    an unset singleton is 404 ResourceNotFound; managedAppPolicies lists every managedAppPolicy
    (intune-mam-managedapppolicy-list.md). The MSP's own tenant has none of these objects."""
    empty = [
        "deviceAppManagement/vppTokens",
        "deviceManagement/depOnboardingSettings",
        "deviceManagement/complianceManagementPartners",
        "deviceManagement/deviceManagementPartners",
        "deviceManagement/remoteAssistancePartners",
    ]
    # deviceComplianceScripts, reusablePolicySettings, windowsAutopilotDeviceIdentities and
    # deviceManagement itself are catalog types now: the conformance suite covers them.
    data = contoso.tenant.objects
    template = data["securityTemplates"][0]["id"]
    async with demo_env("partner").client() as client:
        lists = {path: await client.get(f"/beta/{path}") for path in empty}
        apns = await client.get("/beta/deviceManagement/applePushNotificationCertificate")
        play = await client.get("/beta/deviceManagement/androidManagedStoreAccountEnterpriseSettings")
    async with contoso.client() as client:
        categories = await client.get(f"/beta/deviceManagement/templates/{template}/categories")
        settings = await client.get("/beta/deviceManagement/settings")
        policies = items_of(await pages(client, "/beta/deviceAppManagement/managedAppPolicies"))
    for path, response in lists.items():
        assert response.status_code == 200, path
        assert response.json()["value"] == []
        assert response.json()["@odata.context"] == f"{GRAPH_CONTEXT}{path}"
    assert categories.status_code == 200 and categories.json()["value"] == []
    assert apns.status_code == 404 and apns.json()["error"]["code"] == "ResourceNotFound"
    assert settings.status_code == 200 and "deviceComplianceCheckinThresholdDays" in settings.json()
    assert play.json()["bindStatus"] == "notBound"
    keys = ("appProtectionIos", "appProtectionAndroid", "appProtectionWindows", "appConfigManagedApps")
    assert sorted(p["id"] for p in policies) == sorted(o["id"] for k in keys for o in data[k])
    assert len(policies) == 8


async def test_entra_paths_the_token_has_no_scope_for_are_403(contoso: Any) -> None:
    """application-list.md "Permissions" (Application.Read.All, Application.ReadWrite.All,
    Directory.Read.All, Directory.ReadWrite.All — not Directory.AccessAsUser.All): 403
    Authorization_RequestDenied, as in the example response of json-batching.md."""
    paths = ["applications", "domains", "policies/authorizationPolicy", "groupSettings", "myorganization/applications"]
    async with contoso.client() as client:
        refused = {path: await client.get(f"/v1.0/{path}") for path in paths}
    async with contoso.client(scopes=["Application.Read.All"]) as client:
        allowed = await client.get("/v1.0/myorganization/applications")
    for path, response in refused.items():
        assert response.status_code == 403, path
        error = response.json()["error"]
        assert (error["code"], error["message"]) == (
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    assert allowed.status_code == 200 and allowed.json()["value"] == []
