using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;

namespace FuncTasks.Api.Vcf;

public sealed record VcfPageMetadata(int PageNumber, int PageSize, int TotalElements, int TotalPages);
