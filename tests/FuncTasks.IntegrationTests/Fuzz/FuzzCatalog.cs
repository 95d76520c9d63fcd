namespace FuncTasks.IntegrationTests.Fuzz;

/// <summary>
/// What the generators know about particular endpoints, by endpoint name: a valid body to start from (with
/// <c>$failedStep</c>, <c>$externalStep</c> and <c>$workflow</c> filled from the fixtures) and query values the
/// endpoint must refuse. An endpoint without an entry is still fuzzed (keys, route ids, and for one that declares
/// a body, bodies built on <c>{}</c>); an entry only makes its cases reach deeper.
/// </summary>
public static class FuzzCatalog
{
    private const string DelayStep = """{"name": "s", "action": "delay", "params": {"seconds": {"longValue": 0, "type": "LONG"}}}""";

    public static string? Template(string endpoint) => endpoint switch
    {
        "CreateTask" => $$$"""{"name": "fuzz", "type": "FUZZ_RUN", "description": "d", "steps": [{{{DelayStep}}}]}""",
        "CreateJob" => $$$"""
            {"type": "file", "operation": "import", "source": "fuzz", "destination": "d", "trigger": "manual", "mode": "foreground",
             "config": {"a": 1}, "input": {}, "metadata": {"k": "v"}, "info": "i", "managed": false, "plan": {"steps": [{{{DelayStep}}}]}}
            """,
        "UpdateJob" => """{"info": "i", "progress": 5, "metadata": {"k": "v"}, "mode": "background"}""",
        "ReplaceJobPlan" => $$$"""{"steps": [{{{DelayStep}}}]}""",
        "UpdateJobPlan" => """{"steps": [{"index": 0, "params": {"seconds": {"longValue": 1, "type": "LONG"}}}]}""",
        "AckJob" => """{"info": "i", "progress": 10, "estimatedCompletionAt": "2030-01-01T00:00:00Z"}""",
        "CompleteJob" or "FailJob" => """{"outcome": {"message": "m"}, "info": "i"}""",
        "CancelJob" => """{"info": "i"}""",
        "SplitJob" => """{"parts": 2, "runInParallel": false}""",
        "StartProcess" => """{"workflowId": "$workflow", "params": {"approve.note": {"strValue": "x", "type": "STRING"}}}""",
        "RestartFailedStep" => """{"processStepId": "$failedStep", "params": {"url": {"strValue": "http://127.0.0.1:9/x", "type": "STRING"}}}""",
        "CompleteProcessStep" => """{"processStepId": "$externalStep", "params": {"approvedBy": {"strValue": "ops", "type": "STRING"}}}""",
        "CreateWorkflow" => """{"name": "wf", "type": "FUZZ", "description": "d", "steps": [""" + DelayStep
            + """, {"name": "b", "action": "http", "params": {"url": {"type": "STRING"}}}]}""",
        _ => null,
    };

    private static readonly string[] PageSize = ["0", "-1", "101", "abc", "1.5", "2147483648", "0x10", "$unknown"];
    private static readonly string[] PageNumber = ["0", "-5", "abc", "99999999999", "2147483647", "$unknown"];

    /// <summary>Query parameters (or <c>a=b&amp;c</c> for c given with a=b) and values each refused alone.</summary>
    public static IReadOnlyDictionary<string, string[]>? QueryHints(string endpoint) => endpoint switch
    {
        "GetTasks" => new Dictionary<string, string[]>
        {
            ["pageSize"] = PageSize,
            ["pageNumber"] = PageNumber,
            ["limit"] = ["0", "101", "abc", "$unknown"],
            ["taskStatus"] = ["$unknown", "DONE"],
            ["taskType"] = ["$long"],
            ["taskName"] = ["$long"],
        },
        "ListJobs" => new Dictionary<string, string[]>
        {
            ["pageSize"] = PageSize,
            ["pageNumber"] = PageNumber,
            ["sortDirection"] = ["ASC", "Desc", "up", "$unknown"],
            ["status"] = ["$unknown", "Ready"],
            ["type"] = ["$unknown", "FILE"],
            ["excludeChildJobs"] = ["yes", "1", "True", "$unknown"],
            ["source"] = ["$long"],
            ["parentId"] = ["$long"],
            ["environmentId"] = ["$long"],
            ["spaceId"] = ["$long"],
            ["fileId"] = ["$long"],
            ["workbookId"] = ["$long"],
        },
        "GetAllTasksInfo" => new Dictionary<string, string[]>
        {
            ["limit"] = ["0", "1001", "-1", "abc", "$unknown"],
            ["offset"] = ["-1", "abc", "2147483647", "$unknown"],
            ["filter_property"] = ["$unknown", "status"],
            ["filter"] = ["$unknown", "ERROR"],
            ["filter_property=status&filter"] = ["$unknown", "FAILED"],
            ["filter_property=type&filter"] = ["$long"],
            ["filter_property=zz&filter"] = ["ERROR"],
            ["sort_by"] = ["$unknown", "name"],
            ["order_by"] = ["$unknown", "up"],
        },
        _ => null,
    };
}
