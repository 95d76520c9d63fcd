using System.Globalization;
using System.Text.Json;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core;
using FuncTasks.Core.Commands.Agents;
using FuncTasks.Core.Model;
using Microsoft.AspNetCore.Http;

namespace FuncTasks.Api.Flatfile;

/// <summary>Reads the Flatfile request bodies and queries, with messages that name the field at fault.</summary>
public static class FlatfileRequest
{
    public const int MaxIdLength = 256;
    public const int MaxInfoLength = 2048;
    public const int MaxAgentIdLength = 128;

    /// <summary>Optional header naming one agent among several that share an API key.</summary>
    public const string AgentIdHeader = "X-Agent-Id";

    public static CreateAgentTask ParseCreate(JsonElement body, Caller caller)
    {
        var type = Required(body, "type");
        if (!FlatfileDialect.Types.Contains(type, StringComparer.Ordinal))
        {
            throw new InvalidRequestException("type", $"'type' must be one of {string.Join(", ", FlatfileDialect.Types)}, not '{Short(type)}'.");
        }

        var fields = new FlatfileJobFields
        {
            Source = Required(body, "source"),
            Destination = Text(body, "destination"),
            Trigger = OneOf(body, "trigger", FlatfileDialect.Triggers) ?? FlatfileJobFields.ManualTrigger,
            Mode = OneOf(body, "mode", FlatfileDialect.Modes) ?? "foreground",
            FileId = Text(body, "fileId"),
            EnvironmentId = Text(body, "environmentId"),
            SpaceId = Text(body, "spaceId"),
            CreatedBy = caller.Name,
            Managed = Bool(body, "managed"),
            Config = Object(body, "config"),
            Input = Object(body, "input"),
            Subject = Subject(body),
            Metadata = Object(body, "metadata"),
        };
        var data = new AgentTaskData
        {
            Fields = fields.ToFields(),
            Info = Text(body, "info", MaxInfoLength),
            ParentId = Text(body, "parentId"),
            Part = Int(body, "part", 1, 10_000),
            PartData = Object(body, "partData"),
            PartExecution = OneOf(body, "partExecution", FlatfileDialect.PartExecutions),
            PredecessorIds = Strings(body, "predecessorIds"),
        };
        var plan = body.Property("plan") is { } p
            ? p.ValueKind == JsonValueKind.Object
                ? JsonBody.Steps(p) ?? throw new InvalidRequestException("plan.steps", "'plan' needs 'steps': an array of {name, action, params}.")
                : throw new InvalidRequestException("plan", "'plan' must be an object {steps: [{name, action, params}]}.")
            : null;
        var operation = Required(body, "operation");
        return new CreateAgentTask(type, operation, data, plan, Start: fields.Trigger == FlatfileJobFields.ImmediateTrigger);
    }

    public static FlatfileJobEdit ParseEdit(JsonElement body)
    {
        if (body.Property("status") is { } status)
        {
            throw new InvalidRequestException("status",
                $"'status' can not be set by PATCH (given {Short(status.GetRawText())}); use /execute, /ack, /complete, /fail, /cancel or /retry.");
        }

        if (body.Property("outcomeAcknowledgedAt") is not null)
        {
            throw new InvalidRequestException("outcomeAcknowledgedAt", "'outcomeAcknowledgedAt' is set by POST /v1/jobs/{jobId}/outcome/ack.");
        }

        var edit = new FlatfileJobEdit
        {
            Config = Object(body, "config"),
            Input = Object(body, "input"),
            Metadata = Object(body, "metadata"),
            Subject = Subject(body),
            PartData = Object(body, "partData"),
            Destination = Text(body, "destination"),
            Mode = OneOf(body, "mode", FlatfileDialect.Modes),
            Info = Text(body, "info", MaxInfoLength),
            Progress = Int(body, "progress", 0, 100),
            EstimatedCompletionAt = Time(body, "estimatedCompletionAt"),
        };
        return edit == new FlatfileJobEdit()
            ? throw new InvalidRequestException("body", "Nothing to change: give config, input, metadata, subject, partData, destination, mode, info, progress or estimatedCompletionAt.")
            : edit;
    }

    public static AckAgentTask ParseAck(JsonElement body, string agent) =>
        new(agent, Text(body, "info", MaxInfoLength), Int(body, "progress", 0, 100), Time(body, "estimatedCompletionAt"));

    public static FinishAgentTask ParseFinish(JsonElement body) =>
        new(Object(body, "outcome"), Text(body, "info", MaxInfoLength));

    public static SplitAgentTask ParseSplit(JsonElement body)
    {
        var parallel = Bool(body, "runInParallel") ?? false;
        var parts = body.Property("parts") ?? throw new InvalidRequestException("parts", "Give 'parts': a number of parts, or an array with each part's partData.");
        switch (parts.ValueKind)
        {
            case JsonValueKind.Number when parts.TryGetInt32(out var count) && count is >= 1 and <= AgentTaskHandler.MaxParts:
                return new SplitAgentTask(Enumerable.Repeat<JsonElement?>(null, count).ToList(), parallel);
            case JsonValueKind.Array when parts.GetArrayLength() is >= 1 and <= AgentTaskHandler.MaxParts:
                var data = new List<JsonElement?>();
                var i = 0;
                foreach (var part in parts.EnumerateArray())
                {
                    data.Add(part.ValueKind == JsonValueKind.Object
                        ? part.Clone()
                        : throw new InvalidRequestException($"parts[{i}]", $"parts[{i}] must be an object (the part's partData)."));
                    i++;
                }

                return new SplitAgentTask(data, parallel);
            default:
                throw new InvalidRequestException("parts", $"'parts' must be a whole number from 1 to {AgentTaskHandler.MaxParts}, or an array of 1 to {AgentTaskHandler.MaxParts} partData objects.");
        }
    }

    public static List<PlanStepEdit> ParsePlanEdits(JsonElement body)
    {
        var steps = body.Property("steps") is { ValueKind: JsonValueKind.Array } array
            ? array
            : throw new InvalidRequestException("steps", "Give 'steps': an array of {index or name, params}.");
        var edits = new List<PlanStepEdit>();
        var i = 0;
        foreach (var step in steps.EnumerateArray())
        {
            var field = $"steps[{i++}]";
            if (step.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidRequestException(field, $"{field} must be an object {{index or name, params}}.");
            }

            var index = Int(step, "index", 0, TaskIds.MaxSteps, field + ".index");
            var name = step.String("name", field + ".name");
            if (index is null && string.IsNullOrWhiteSpace(name))
            {
                throw new InvalidRequestException(field, $"{field} needs the step's 'index' (from 0) or 'name'.");
            }

            var parameters = JsonBody.Params(step.Property("params"), field + ".params")
                ?? throw new InvalidRequestException(field + ".params", $"{field} needs 'params': the parameters to change.");
            edits.Add(new PlanStepEdit(index, name, parameters));
        }

        return edits;
    }

    public static (TaskQuery Query, int PageNumber, int PageSize) ParseList(IQueryCollection q)
    {
        var pageSize = QueryInt(q, "pageSize") ?? FlatfileApi.DefaultPageSize;
        if (pageSize is < 1 or > FlatfileApi.MaxPageSize)
        {
            throw new InvalidRequestException("pageSize", $"pageSize must be between 1 and {FlatfileApi.MaxPageSize}.");
        }

        var pageNumber = QueryInt(q, "pageNumber") ?? 1;
        if (pageNumber < 1)
        {
            throw new InvalidRequestException("pageNumber", "pageNumber starts at 1.");
        }

        if ((long)pageNumber * pageSize > int.MaxValue)
        {
            // The page would start past any count of jobs (and its offset would overflow).
            throw new InvalidRequestException("pageNumber", $"pageNumber must be at most {int.MaxValue / pageSize} with pageSize {pageSize}.");
        }

        var sort = q["sortDirection"].ToString();
        if (sort.Length > 0 && sort is not ("asc" or "desc"))
        {
            throw new InvalidRequestException("sortDirection", "sortDirection must be asc or desc.");
        }

        var phases = new List<AgentTaskPhase>();
        var anyStatus = false;
        foreach (var word in q["status"].SelectMany(s => (s ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            anyStatus = true;
            if (!FlatfileDialect.StatusWords.Contains(word, StringComparer.Ordinal))
            {
                throw new InvalidRequestException("status", $"Unknown status '{Short(word)}'. Use {string.Join(", ", FlatfileDialect.StatusWords)}.");
            }

            if (FlatfileDialect.ParseStatus(word) is { } phase)
            {
                phases.Add(phase);
            }
        }

        var type = QueryText(q, "type");
        if (type is not null && !FlatfileDialect.Types.Contains(type, StringComparer.Ordinal))
        {
            throw new InvalidRequestException("type", $"'type' must be one of {string.Join(", ", FlatfileDialect.Types)}.");
        }

        var excludeChildren = QueryText(q, "excludeChildJobs") switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw new InvalidRequestException("excludeChildJobs", "excludeChildJobs must be true or false."),
        };
        var parentId = QueryText(q, "parentId");
        var source = QueryText(q, "source");
        var environmentId = QueryText(q, "environmentId");
        var spaceId = QueryText(q, "spaceId");
        var fileId = QueryText(q, "fileId");
        var workbookId = QueryText(q, "workbookId");

        // "planning" and "waiting" are valid words that match nothing: FuncTasks never reports them.
        var states = anyStatus ? phases.Select(FlatfileDialect.StateOf).Distinct().ToList() : null;
        var query = new TaskQuery(
            (pageNumber - 1) * pageSize,
            pageSize,
            states is { Count: > 0 } ? states : null,
            type,
            Origin: FlatfileServices.Origin,
            OldestFirst: sort == "asc")
        {
            Matches = task =>
            {
                var data = AgentTaskData.Of(task);
                if ((anyStatus && !phases.Contains(data.PhaseOf(task)))
                    || (parentId is not null && data.ParentId != parentId)
                    || (excludeChildren && parentId is null && data.ParentId is not null))
                {
                    return false;
                }

                var fields = FlatfileJobFields.Of(data);
                return (source is null || fields.Source == source)
                    && (environmentId is null || fields.EnvironmentId == environmentId)
                    && (spaceId is null || fields.SpaceId == spaceId)
                    && (fileId is null || fields.FileId == fileId)
                    && (workbookId is null || fields.Source == workbookId || fields.Destination == workbookId);
            },
        };
        return (query, pageNumber, pageSize);
    }

    /// <summary>The agent behind a request: its key's name, and the X-Agent-Id header when several agents share a key.</summary>
    public static string AgentOf(HttpContext http, Caller caller)
    {
        var agentId = http.Request.Headers[AgentIdHeader].ToString().Trim();
        if (agentId.Length > MaxAgentIdLength)
        {
            throw new InvalidRequestException(AgentIdHeader, $"{AgentIdHeader} must be at most {MaxAgentIdLength} characters.");
        }

        return agentId.Length == 0 ? caller.Name : $"{caller.Name}/{agentId}";
    }

    public static string? Text(JsonElement body, string name, int max = MaxIdLength, string? field = null)
    {
        var value = body.String(name, field ?? name);
        return value is { Length: > 0 } && value.Length > max
            ? throw new InvalidRequestException(field ?? name, $"'{field ?? name}' must be at most {max} characters.")
            : value;
    }

    private static string Required(JsonElement body, string name) =>
        Text(body, name) is { } value && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new InvalidRequestException(name, $"The job needs '{name}' (a non-empty string).");

    private static string? OneOf(JsonElement body, string name, string[] allowed) =>
        Text(body, name) is not { } value ? null
        : allowed.Contains(value, StringComparer.Ordinal) ? value
        : throw new InvalidRequestException(name, $"'{name}' must be one of {string.Join(", ", allowed)}, not '{Short(value)}'.");

    private static JsonElement? Object(JsonElement body, string name) =>
        body.Property(name) is not { } value ? null
        : value.ValueKind == JsonValueKind.Object ? value.Clone()
        : throw new InvalidRequestException(name, $"'{name}' must be a JSON object.");

    private static bool? Bool(JsonElement body, string name) =>
        body.Property(name) is not { } value ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new InvalidRequestException(name, $"'{name}' must be true or false.");

    private static int? Int(JsonElement body, string name, int min, int max, string? field = null) =>
        body.Property(name) is not { } value ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= min && n <= max ? n
        : throw new InvalidRequestException(field ?? name, $"'{field ?? name}' must be a whole number from {min} to {max}.");

    private static DateTimeOffset? Time(JsonElement body, string name) =>
        Text(body, name) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime()
        : throw new InvalidRequestException(name, $"'{name}' must be an ISO-8601 date and time, e.g. 2024-01-15T09:30:00Z.");

    private static List<string>? Strings(JsonElement body, string name)
    {
        if (body.Property(name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException(name, $"'{name}' must be an array of job ids.");
        }

        return value.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 and <= MaxIdLength } s
            ? s
            : throw new InvalidRequestException($"{name}[{i}]", $"{name}[{i}] must be a job id (a string).")).ToList();
    }

    private static JsonElement? Subject(JsonElement body)
    {
        if (Object(body, "subject") is not { } subject)
        {
            return null;
        }

        var ok = subject.String("type", "subject.type") switch
        {
            "resource" => subject.String("id", "subject.id") is { Length: > 0 },
            "collection" => subject.String("resource", "subject.resource") is { Length: > 0 },
            _ => false,
        };
        return ok ? subject : throw new InvalidRequestException("subject", "'subject' must be {type: \"resource\", id} or {type: \"collection\", resource, params?, query?}.");
    }

    private static string? QueryText(IQueryCollection q, string name) =>
        q[name].ToString() is { Length: > 0 } text
            ? text.Length <= MaxIdLength ? text : throw new InvalidRequestException(name, $"{name} must be at most {MaxIdLength} characters.")
            : null;

    private static int? QueryInt(IQueryCollection q, string name) =>
        QueryText(q, name) is not { } text ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
        : throw new InvalidRequestException(name, $"{name} must be a whole number.");

    private static string Short(string text) => FailureDetails.Cap(text, 100);
}
