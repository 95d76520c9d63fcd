using System.Text.Json.Nodes;

namespace FuncTasks.IntegrationTests.Dr;

/// <summary>
/// The seed's TaskDrResponseEntity example (seeds/get-task-info.txt, verbatim) and a check that a response
/// has exactly its fields, each of the seed's JSON kind (null allowed where the value may be absent).
/// </summary>
public static class TaskInfoSeed
{
    public const string Example = """
        {
            "id": "string",
            "description": "string",
            "type": "string",
            "status": "string",
            "error": {
                "cause": {
                    "stack_trace": [
                        {
                            "class_loader_name": "string",
                            "module_name": "string",
                            "module_version": "string",
                            "method_name": "string",
                            "file_name": "string",
                            "line_number": 0,
                            "class_name": "string",
                            "native_method": false
                        }
                    ],
                    "message": "string",
                    "suppressed": [
                        {
                            "stack_trace": [
                                {
                                    "class_loader_name": "string",
                                    "module_name": "string",
                                    "module_version": "string",
                                    "method_name": "string",
                                    "file_name": "string",
                                    "line_number": 0,
                                    "class_name": "string",
                                    "native_method": false
                                }
                            ],
                            "message": "string",
                            "localized_message": "string"
                        }
                    ],
                    "localized_message": "string"
                },
                "stack_trace": [
                    {
                        "class_loader_name": "string",
                        "module_name": "string",
                        "module_version": "string",
                        "method_name": "string",
                        "file_name": "string",
                        "line_number": 0,
                        "class_name": "string",
                        "native_method": false
                    }
                ],
                "message": "string",
                "suppressed": [
                    {
                        "stack_trace": [
                            {
                                "class_loader_name": "string",
                                "module_name": "string",
                                "module_version": "string",
                                "method_name": "string",
                                "file_name": "string",
                                "line_number": 0,
                                "class_name": "string",
                                "native_method": false
                            }
                        ],
                        "message": "string",
                        "localized_message": "string"
                    }
                ],
                "localized_message": "string"
            },
            "progress": 0,
            "start_time": "string",
            "complete_time": "string",
            "_meta": {
                "errors": [
                    {
                        "code": "string",
                        "message": "string",
                        "field": "string"
                    }
                ]
            }
        }
        """;

    /// <summary>Frame fields that are omitted when unknown (no class loaders in .NET; module = assembly when known).</summary>
    private static readonly HashSet<string> OptionalFrameFields = ["class_loader_name", "module_name", "module_version"];

    private static readonly Lazy<JsonObject> Seed = new(() => JsonNode.Parse(Example)!.AsObject());

    public static void AssertMatches(JsonObject task)
    {
        var seed = Seed.Value;
        Assert.Equal(seed.Select(p => p.Key).Order(StringComparer.Ordinal), task.Select(p => p.Key).Order(StringComparer.Ordinal));
        AssertKind(seed["id"], task["id"], "id", nullable: false);
        AssertKind(seed["description"], task["description"], "description", nullable: false);
        AssertKind(seed["type"], task["type"], "type", nullable: false);
        AssertKind(seed["status"], task["status"], "status", nullable: false);
        AssertKind(seed["progress"], task["progress"], "progress", nullable: false);
        AssertKind(seed["start_time"], task["start_time"], "start_time", nullable: true);
        AssertKind(seed["complete_time"], task["complete_time"], "complete_time", nullable: true);
        var meta = task["_meta"]!.AsObject();
        Assert.Equal(["errors"], meta.Select(p => p.Key));
        Assert.IsType<JsonArray>(meta["errors"]);
        if (task["error"] is JsonObject error)
        {
            AssertError(error, "error");
        }
    }

    public static void AssertError(JsonObject error, string path)
    {
        var seed = Seed.Value["error"]!.AsObject();
        Assert.Equal(seed.Select(p => p.Key).Order(StringComparer.Ordinal), error.Select(p => p.Key).Order(StringComparer.Ordinal));
        AssertKind(seed["message"], error["message"], path + ".message", nullable: false);
        AssertKind(seed["localized_message"], error["localized_message"], path + ".localized_message", nullable: false);
        Assert.IsType<JsonArray>(error["suppressed"]);
        foreach (var frame in error["stack_trace"]!.AsArray())
        {
            AssertFrame(frame!.AsObject(), path + ".stack_trace[]");
        }

        if (error["cause"] is JsonObject cause)
        {
            AssertError(cause, path + ".cause");
        }
    }

    private static void AssertFrame(JsonObject frame, string path)
    {
        var seed = Seed.Value["error"]!["stack_trace"]![0]!.AsObject();
        var required = seed.Select(p => p.Key).Where(k => !OptionalFrameFields.Contains(k)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(required, frame.Select(p => p.Key).Where(k => !OptionalFrameFields.Contains(k)).Order(StringComparer.Ordinal));
        Assert.All(frame.Select(p => p.Key), k => Assert.True(seed.ContainsKey(k), $"{path}.{k} is not in the seed"));
        foreach (var (key, value) in frame)
        {
            AssertKind(seed[key], value, $"{path}.{key}", nullable: key == "file_name");
        }
    }

    private static void AssertKind(JsonNode? expected, JsonNode? actual, string path, bool nullable)
    {
        if (actual is null)
        {
            Assert.True(nullable, $"{path} is null");
            return;
        }

        Assert.True(expected!.GetValueKind() == actual.GetValueKind() ||
            (expected.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False &&
             actual.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False),
            $"{path} is {actual.GetValueKind()}, the seed has {expected.GetValueKind()}");
    }
}
