using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>
/// Tells storage outages apart from bugs: an exception that means the store could not be reached or answered
/// with a server error or a timeout (after the SDK's own retries). The API answers those with 503 and
/// <c>Retry-After</c>; workers back off and try again. Registered by the storage implementation.
/// </summary>
public interface IStorageFaults
{
    bool IsUnavailable(Exception exception);
}
