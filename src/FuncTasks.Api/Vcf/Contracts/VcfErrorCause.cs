namespace FuncTasks.Api.Vcf;

public sealed record VcfErrorCause(string Type, string Message);
