using System.Text.Json;

namespace FuncTasks.Api.Flatfile;

public sealed record FinishJobRequest(JsonElement? Outcome, string? Info);
