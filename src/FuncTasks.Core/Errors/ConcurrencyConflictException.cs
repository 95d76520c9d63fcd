using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>A storage write lost an optimistic-concurrency race (ETag mismatch or duplicate insert).</summary>
public sealed class ConcurrencyConflictException(string message, Exception? inner = null) : Exception(message, inner);
