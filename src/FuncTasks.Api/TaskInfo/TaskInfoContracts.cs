using System.Text.Json.Serialization;

namespace FuncTasks.Api.TaskInfo;

/// <summary>TaskDrResponseEntity of the VMware Live Site Recovery API, field for field as the seed (snake_case).</summary>
public sealed record DrTask(
    string Id,
    string Description,
    string Type,
    string Status,
    DrError? Error,
    int Progress,
    string? StartTime,
    string? CompleteTime,
    [property: JsonPropertyName("_meta")] DrMeta Meta);

/// <summary>A failure as a serialised exception: the task's error, its <c>cause</c> the action's exception (recursive).</summary>
public sealed record DrError(
    DrError? Cause,
    IReadOnlyList<DrStackFrame> StackTrace,
    string Message,
    IReadOnlyList<DrError> Suppressed,
    string LocalizedMessage);

/// <summary>One stack frame. <c>module_name</c>/<c>module_version</c> are the assembly of the frame's type when known.</summary>
public sealed record DrStackFrame(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClassLoaderName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ModuleName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ModuleVersion,
    string MethodName,
    string? FileName,
    int LineNumber,
    string ClassName,
    bool NativeMethod);

public sealed record DrMeta(IReadOnlyList<DrMetaError> Errors);

public sealed record DrMetaError(string Code, string Message, string? Field);

/// <summary>The page of <c>GET /tasks</c>: the tasks and, in <c>_meta</c>, the paging that produced them.</summary>
public sealed record DrTaskList(
    IReadOnlyList<DrTask> List,
    [property: JsonPropertyName("_meta")] DrListMeta Meta);

public sealed record DrListMeta(IReadOnlyList<DrMetaError> Errors, int Total, int Offset, int Limit);

/// <summary>ResponseError: the body of 400, 403 and 500 (<c>op_id</c> is a uuid that is in the log).</summary>
public sealed record DrResponseError(string ErrorCode, string Message, string OpId);
