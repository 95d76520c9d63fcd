using System.Collections.Concurrent;
using System.Diagnostics;
using FuncTasks.Core;
using FuncTasks.Core.Model;

namespace FuncTasks.Storage;

/// <summary>
/// The number of tasks matching each list filter (VCF <c>pageMetadata.totalElements</c>, DR <c>total</c>, ...), so a
/// page read stays O(page) instead of scanning every matching row to count them. A count is taken from storage the
/// first time a filter is listed, then kept up to date by every task this store creates, changes the status of or
/// deletes; it is re-counted from storage in the background when older than <see cref="StorageOptions.ListCountRefresh"/>,
/// which is how changes made by other hosts sharing the table arrive. Filters with a custom predicate are not cached.
/// </summary>
internal sealed class TaskCounts(TimeSpan refresh, int maxEntries = 256)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool Enabled => refresh > TimeSpan.Zero;

    public static string Key(string filter, string? nameFilter) => nameFilter is null ? filter : filter + "\n" + nameFilter;

    /// <summary>The maintained count of a filter; <paramref name="stale"/> when it should be re-counted from storage.</summary>
    public bool TryGet(string key, out int count, out bool stale)
    {
        if (Enabled && _entries.TryGetValue(key, out var entry))
        {
            count = Volatile.Read(ref entry.Count);
            stale = Stopwatch.GetElapsedTime(Volatile.Read(ref entry.CountedAt)) > refresh;
            return true;
        }

        (count, stale) = (0, false);
        return false;
    }

    /// <summary>Records a count just taken from storage.</summary>
    public void Set(string key, TaskQuery query, int count)
    {
        if (!Enabled)
        {
            return;
        }

        if (_entries.Count >= maxEntries && !_entries.ContainsKey(key))
        {
            // Bounded: forget the least recently counted filter.
            var oldest = _entries.MinBy(e => e.Value.CountedAt);
            _entries.TryRemove(oldest.Key, out _);
        }

        var entry = _entries.GetOrAdd(key, _ => new Entry(query));
        Volatile.Write(ref entry.Count, count);
        Volatile.Write(ref entry.CountedAt, Stopwatch.GetTimestamp());
        Volatile.Write(ref entry.Refreshing, 0);
    }

    /// <summary>True for the one caller that should re-count a stale filter (single flight).</summary>
    public bool BeginRefresh(string key) =>
        _entries.TryGetValue(key, out var entry) && Interlocked.CompareExchange(ref entry.Refreshing, 1, 0) == 0;

    public void EndRefreshFailed(string key)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            Volatile.Write(ref entry.Refreshing, 0);
        }
    }

    /// <summary>A task row changed from <paramref name="before"/> to <paramref name="after"/> (null: inserted or deleted).</summary>
    public void Changed(TaskRecord? before, TaskRecord? after)
    {
        if (_entries.IsEmpty || (before is not null && after is not null && before.Status == after.Status))
        {
            return;
        }

        foreach (var entry in _entries.Values)
        {
            var delta = (after is not null && entry.Matches(after) ? 1 : 0) - (before is not null && entry.Matches(before) ? 1 : 0);
            if (delta != 0)
            {
                Interlocked.Add(ref entry.Count, delta);
            }
        }
    }

    private sealed class Entry(TaskQuery query)
    {
        public int Count;
        public long CountedAt;
        public int Refreshing;

        /// <summary>The same conditions as the storage filter of <see cref="TableTaskStore"/>'s list query.</summary>
        public bool Matches(TaskRecord task) =>
            (query.Statuses is not { Count: > 0 } statuses || statuses.Contains(task.Status))
            && (string.IsNullOrWhiteSpace(query.Type) || string.Equals(task.Type, query.Type, StringComparison.Ordinal))
            && (string.IsNullOrWhiteSpace(query.Origin) || string.Equals(task.Origin, query.Origin, StringComparison.Ordinal))
            && (string.IsNullOrWhiteSpace(query.NameContains) || task.Name.Contains(query.NameContains.Trim(), StringComparison.OrdinalIgnoreCase));
    }
}
