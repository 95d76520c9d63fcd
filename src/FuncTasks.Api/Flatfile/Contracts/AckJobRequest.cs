using System.Text.Json;
using System.Text.Json.Serialization;

namespace FuncTasks.Api.Flatfile;

public sealed record AckJobRequest(string? Info, int? Progress, string? EstimatedCompletionAt);
