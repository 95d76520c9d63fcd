using FuncTasks.Core.Model;

namespace FuncTasks.Core.Idempotency;

/// <summary>Where keys are remembered (a table in the storage account, one row per scope and key).</summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Inserts the claim for (scope, key) with <paramref name="proposedTaskId"/>; when one exists and is younger than
    /// <paramref name="window"/>, returns it (IsNew false) whatever its fingerprint; an older one is replaced
    /// (ETag-guarded). Concurrent claims of one key all return the same task id.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(IdempotencyRequest request, Guid proposedTaskId, DateTimeOffset now, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Makes this request the owner of a claim whose task never appeared (same task id); null when someone else did first.</summary>
    Task<IdempotencyClaim?> TakeOverAsync(IdempotencyClaim claim, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records that the claim's task now exists (best effort: an outage here only delays nothing).</summary>
    Task MarkCreatedAsync(IdempotencyClaim claim, CancellationToken cancellationToken);

    /// <summary>Forgets a claim whose request created nothing (it was refused), if it is still the same row.</summary>
    Task ReleaseAsync(IdempotencyClaim claim, CancellationToken cancellationToken);
}
