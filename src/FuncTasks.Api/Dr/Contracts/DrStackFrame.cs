using System.Text.Json.Serialization;

namespace FuncTasks.Api.Dr;

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
