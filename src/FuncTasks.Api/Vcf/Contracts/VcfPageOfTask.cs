using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;

namespace FuncTasks.Api.Vcf;

public sealed record VcfPageOfTask(IReadOnlyList<VcfTask> Elements, VcfPageMetadata PageMetadata);
