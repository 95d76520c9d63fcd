using System.Text.Json;

namespace FuncTasks.Api.Flatfile;

/// <param name="Parts">A number of parts, or an array with each part's partData.</param>
public sealed record SplitJobRequest(JsonElement Parts, bool? RunInParallel);
