namespace FuncTasks.Api.Vcf;

public sealed record VcfPageOfTask(IReadOnlyList<VcfTask> Elements, VcfPageMetadata PageMetadata);
