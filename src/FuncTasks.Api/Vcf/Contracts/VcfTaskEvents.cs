using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Core.Model;

namespace FuncTasks.Api.Vcf;

/// <summary>The audit trail of a task, oldest first.</summary>
public sealed record VcfTaskEvents(IReadOnlyList<VcfTaskEvent> Elements);
