using FuncTasks.Core.Model;

namespace FuncTasks.Core.Idempotency;

/// <summary>
/// One creating request that carries an <c>Idempotency-Key</c>: the key as sent, the scope it is unique in (caller
/// and endpoint) and the fingerprint of what was asked (method, route and body bytes).
/// </summary>
public sealed record IdempotencyRequest(string Scope, string Key, string Fingerprint);
