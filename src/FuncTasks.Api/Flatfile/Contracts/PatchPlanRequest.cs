using System.Text.Json;
using System.Text.Json.Serialization;

namespace FuncTasks.Api.Flatfile;

public sealed record PatchPlanRequest(IReadOnlyList<PatchPlanStep> Steps);
