using Azure;
using Azure.Data.Tables;
using FuncTasks.Core;
using FuncTasks.Core.Model;

namespace FuncTasks.Storage;

/// <summary>
/// <see cref="ITaskStore"/> on Azure Table Storage: one partition per task, point reads, every update an
/// entity-group transaction guarded by the ETags of the rows it replaces.
/// </summary>
public sealed class TableTaskStore(
    TableServiceClient service, Microsoft.Extensions.Options.IOptions<StorageOptions> options, TimeProvider time,
    Core.Notifications.INotificationScheduler? notifications = null) : ITaskStore
{
    private const int ScanPageSize = 1000;

    /// <summary>Most rows of one entity-group transaction.</summary>
    private const int MaxTransactionRows = 100;
    private readonly TableClient _table = service.GetTableClient(options.Value.TasksTable);
    private readonly TaskCounts _counts = new(options.Value.ListCountRefresh);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, (TaskSnapshot Snapshot, long At)> _started = new();

    public TableClient Table => _table;

    public async Task<TaskSnapshot> CreateAsync(TaskRecord task, IReadOnlyList<TaskStep> steps, CancellationToken cancellationToken)
    {
        // The trail's first entry is synthesised from these two fields: the create transaction may already hold 100 rows.
        task = task with { CreatedBy = TaskActor.Resolve(task.CreatedBy) };
        var actions = new List<TableTransactionAction>(steps.Count + 1)
        {
            new(TableTransactionActionType.Add, TaskEntities.ToEntity(task with { ETag = null }, steps)),
        };
        actions.AddRange(steps.Select(s => new TableTransactionAction(TableTransactionActionType.Add, TaskEntities.ToEntity(s with { ETag = null }))));
        // Webhooks' outbox: the task has news (task.created), in the same transaction when it fits, else right after it.
        var markerFits = actions.Count < MaxTransactionRows;
        if (markerFits)
        {
            actions.Add(Notifications.NotificationEntities.PendingMarker(task.Id));
        }

        IReadOnlyList<Response> responses;
        try
        {
            responses = await SubmitAsync(actions, cancellationToken);
        }
        catch (ConcurrencyConflictException conflict) when (conflict.InnerException is RequestFailedException { Status: 409 })
        {
            throw new TaskAlreadyExistsException(task.Id, conflict);
        }

        if (!markerFits)
        {
            await SubmitAsync([Notifications.NotificationEntities.PendingMarker(task.Id)], cancellationToken);
        }

        notifications?.TaskChanged(task.Id);

        _counts.Changed(null, task);
        return RememberStarted(new TaskSnapshot(
            task with { ETag = ETagOf(responses[0]) },
            steps.Select((s, i) => s with { ETag = ETagOf(responses[i + 1]) }).ToList(),
            []));
    }

    /// <summary>
    /// The snapshot this store wrote when the given run of a task started (created, retried, restarted), if this
    /// host started it: the queue worker that picks up the run message here begins from it instead of reading the
    /// task again (one read less per run). Taken once; a stale one only costs an ETag conflict and a re-read.
    /// </summary>
    public TaskSnapshot? TakeStarted(Guid taskId, int generation) =>
        _started.TryRemove(taskId, out var entry) && entry.Snapshot.Task.Generation == generation ? entry.Snapshot : null;

    private TaskSnapshot RememberStarted(TaskSnapshot snapshot)
    {
        const int max = 4096;
        if (snapshot.Task.Status != TaskState.InProgress)
        {
            return snapshot;
        }

        if (_started.Count >= max)
        {
            // Runs picked up by other hosts are never taken here: forget what is older than a minute.
            var old = System.Diagnostics.Stopwatch.GetTimestamp() - (60 * System.Diagnostics.Stopwatch.Frequency);
            foreach (var (id, entry) in _started)
            {
                if (entry.At < old)
                {
                    _started.TryRemove(id, out _);
                }
            }

            if (_started.Count >= max)
            {
                return snapshot;
            }
        }

        _started[snapshot.Task.Id] = (snapshot, System.Diagnostics.Stopwatch.GetTimestamp());
        return snapshot;
    }

    public async Task<TaskSnapshot?> GetAsync(Guid taskId, bool includeAttempts, CancellationToken cancellationToken)
    {
        var pk = TaskEntities.PartitionKey(taskId);
        var filter = includeAttempts
            ? TableClient.CreateQueryFilter($"PartitionKey eq {pk} and (RowKey lt {TaskEntities.EventPrefix} or RowKey ge {TaskEntities.StepPrefix})")
            : TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {TaskEntities.StepPrefix}");
        TaskRecord? task = null;
        var steps = new List<TaskStep>();
        var attempts = new List<StepAttempt>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (entity.RowKey == TaskEntities.TaskRowKey)
            {
                task = TaskEntities.ToTask(entity);
            }
            else if (entity.RowKey.StartsWith(TaskEntities.StepPrefix, StringComparison.Ordinal))
            {
                steps.Add(TaskEntities.ToStep(entity));
            }
            else if (entity.RowKey.StartsWith(TaskEntities.AttemptPrefix, StringComparison.Ordinal))
            {
                attempts.Add(TaskEntities.ToAttempt(entity));
            }
        }

        return task is null ? null : new TaskSnapshot(task, steps.OrderBy(s => s.Index).ToList(), attempts);
    }

    /// <summary>
    /// One point read of the task row, whose view of the steps answers the read (ADR 0006); a row without a view (too
    /// large, or written before views) is read with the partition query. The steps carry no ETags: never write from it.
    /// </summary>
    public async Task<TaskSnapshot?> ReadAsync(Guid taskId, CancellationToken cancellationToken)
    {
        TableEntity entity;
        try
        {
            entity = (await _table.GetEntityAsync<TableEntity>(TaskEntities.PartitionKey(taskId), TaskEntities.TaskRowKey, cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode != "TableNotFound")
        {
            // No such task. A missing table is a storage failure (as the partition query reports it), not a missing task.
            return null;
        }

        return TaskEntities.ReadView(entity) is { } steps
            ? new TaskSnapshot(TaskEntities.ToTask(entity), steps, [])
            : await GetAsync(taskId, includeAttempts: false, cancellationToken);
    }

    /// <summary>One partition query for the task row (the creation) and the event rows, in the order they were written.</summary>
    public async Task<IReadOnlyList<TaskEvent>?> GetEventsAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var pk = TaskEntities.PartitionKey(taskId);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {pk} and ((RowKey ge {TaskEntities.EventPrefix} and RowKey lt {TaskEntities.EventEnd}) or RowKey eq {TaskEntities.TaskRowKey})");
        TaskRecord? task = null;
        var writes = new List<(string RowKey, IReadOnlyList<TaskEvent> Events)>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: [.. TaskEntities.TaskColumns, "Events"], cancellationToken: cancellationToken))
        {
            if (entity.RowKey == TaskEntities.TaskRowKey)
            {
                task = TaskEntities.ToTask(entity);
            }
            else
            {
                writes.Add((entity.RowKey, TaskEntities.ToEvents(entity)));
            }
        }

        return task is null ? null : TaskAudit.Trail(task, writes.OrderBy(w => w.RowKey, StringComparer.Ordinal).Select(w => w.Events));
    }

    public async Task<TaskRecord?> GetTaskAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(TaskEntities.PartitionKey(taskId), TaskEntities.TaskRowKey, TaskEntities.TaskColumns, cancellationToken);
        return response.HasValue ? TaskEntities.ToTask(response.Value!) : null;
    }

    public async Task<TaskSnapshot> SaveAsync(TaskSnapshot current, TaskUpdate update, CancellationToken cancellationToken)
    {
        if (update.DeletesTask)
        {
            await DeleteAsync(current, cancellationToken);
            _counts.Changed(current.Task, null);
            return current;
        }

        TableTransactionAction? trail;
        (update, trail) = Audit(current, update);
        if (update.AddedSteps is { Count: > 0 } || update.RemovedSteps is { Count: > 0 })
        {
            var reshaped = await ReshapeAsync(current, update, trail, cancellationToken);
            _counts.Changed(current.Task, reshaped.Task);
            return reshaped;
        }

        var taskId = current.Task.Id;
        var steps = update.Steps ?? [];
        if (steps.Count > 0 && update.Task is null)
        {
            // The task row keeps the view of its steps (ADR 0006): a write that changes a step rewrites it, under its ETag.
            update = update with { Task = current.Task };
        }

        var actions = new List<TableTransactionAction>();
        if (update.Task is { } task)
        {
            EnsureSamePartition(taskId, task.Id);
            actions.Add(Replace(TaskEntities.ToEntity(task with { ETag = current.Task.ETag }, current.With(steps: steps).Steps)));
        }

        foreach (var step in steps)
        {
            EnsureSamePartition(taskId, step.TaskId);
            var etag = current.Steps.First(s => s.Index == step.Index).ETag;
            actions.Add(Replace(TaskEntities.ToEntity(step with { ETag = etag })));
        }

        foreach (var attempt in update.NewAttempts ?? [])
        {
            EnsureSamePartition(taskId, attempt.TaskId);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, TaskEntities.ToEntity(attempt)));
        }

        if (trail is not null)
        {
            actions.Add(trail);
            actions.Add(Notifications.NotificationEntities.PendingMarker(taskId));
        }

        if (actions.Count == 0)
        {
            return current;
        }

        var responses = await SubmitAsync(actions, cancellationToken);
        if (trail is not null)
        {
            notifications?.TaskChanged(taskId);
        }

        if (update.Task is not null)
        {
            _counts.Changed(current.Task, update.Task);
        }

        var i = 0;
        var newTask = update.Task is null ? null : update.Task with { ETag = ETagOf(responses[i++]) };
        var newSteps = steps.Select(s => s with { ETag = ETagOf(responses[i++]) }).ToList();
        var saved = current.With(newTask, newSteps);
        return newTask is not null && newTask.Generation != current.Task.Generation ? RememberStarted(saved) : saved;
    }

    /// <summary>
    /// The events this write records (<see cref="TaskAudit"/>) as one row numbered from the task row's counter. The task
    /// row joins the transaction, guarded by its ETag, if it was not in it: two writers never number a row alike, and a
    /// write that loses its race records nothing.
    /// </summary>
    private (TaskUpdate Update, TableTransactionAction? Row) Audit(TaskSnapshot current, TaskUpdate update)
    {
        var events = TaskAudit.Derive(current, update, TaskActor.Resolve(update.Actor), time.GetUtcNow());
        if (events.Count == 0)
        {
            return (update, null);
        }

        var sequence = current.Task.EventCount + 1;
        var task = (update.Task ?? current.Task) with { EventCount = sequence };
        return (update with { Task = task }, new TableTransactionAction(TableTransactionActionType.Add, TaskEntities.ToEntity(current.Task.Id, sequence, events)));
    }

    /// <summary>Replaces, inserts and deletes step rows with the task row in one transaction (a plan edited before it ran).</summary>
    private async Task<TaskSnapshot> ReshapeAsync(TaskSnapshot current, TaskUpdate update, TableTransactionAction? trail, CancellationToken cancellationToken)
    {
        var taskId = current.Task.Id;
        var task = update.Task ?? throw new InvalidOperationException("Adding or removing steps must also update the task row (its StepCount).");
        EnsureSamePartition(taskId, task.Id);
        var removed = update.RemovedSteps ?? [];
        var after = current.Steps.Where(s => !removed.Contains(s.Index)).ToDictionary(s => s.Index);
        foreach (var step in (update.Steps ?? []).Concat(update.AddedSteps ?? []))
        {
            after[step.Index] = step;
        }

        var actions = new List<TableTransactionAction> { Replace(TaskEntities.ToEntity(task with { ETag = current.Task.ETag }, after.Values)) };
        var changed = (update.Steps ?? []).Select(s => (Step: s, Action: Replace(TaskEntities.ToEntity(s with { ETag = current.Steps.First(c => c.Index == s.Index).ETag }))));
        var added = (update.AddedSteps ?? []).Select(s => (Step: s, Action: new TableTransactionAction(TableTransactionActionType.Add, TaskEntities.ToEntity(s with { ETag = null }))));
        var written = changed.Concat(added).ToList();
        foreach (var (step, action) in written)
        {
            EnsureSamePartition(taskId, step.TaskId);
            actions.Add(action);
        }

        foreach (var attempt in update.NewAttempts ?? [])
        {
            EnsureSamePartition(taskId, attempt.TaskId);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, TaskEntities.ToEntity(attempt)));
        }

        foreach (var index in removed)
        {
            var etag = current.Steps.First(s => s.Index == index).ETag;
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete,
                new TableEntity(TaskEntities.PartitionKey(taskId), TaskEntities.StepRowKey(index)), etag is null ? ETag.All : new ETag(etag)));
        }

        // A whole plan of 99 steps replaced fills a transaction (100 rows): its event row then follows it at once. Its
        // number was taken with the task row's ETag, so no other write can use it.
        var trailFits = trail is not null && actions.Count < MaxTransactionRows;
        if (trailFits)
        {
            actions.Add(trail!);
        }

        var markerFits = trailFits && actions.Count < MaxTransactionRows;
        if (markerFits)
        {
            actions.Add(Notifications.NotificationEntities.PendingMarker(taskId));
        }

        var responses = await SubmitAsync(actions, cancellationToken);
        if (trail is not null && !trailFits)
        {
            await SubmitAsync([trail], cancellationToken);
        }

        if (trail is not null && !markerFits)
        {
            await SubmitAsync([Notifications.NotificationEntities.PendingMarker(taskId)], cancellationToken);
        }

        if (trail is not null)
        {
            notifications?.TaskChanged(taskId);
        }

        var steps = current.Steps.Where(s => !removed.Contains(s.Index)).ToDictionary(s => s.Index);
        for (var i = 0; i < written.Count; i++)
        {
            steps[written[i].Step.Index] = written[i].Step with { ETag = ETagOf(responses[i + 1]) };
        }

        return current with { Task = task with { ETag = ETagOf(responses[0]) }, Steps = steps.Values.OrderBy(s => s.Index).ToList() };
    }

    /// <summary>The task row and its steps go in one ETag-guarded transaction; its attempt and event rows (history) after it.</summary>
    private async Task DeleteAsync(TaskSnapshot current, CancellationToken cancellationToken)
    {
        var pk = TaskEntities.PartitionKey(current.Task.Id);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Delete, new TableEntity(pk, TaskEntities.TaskRowKey), new ETag(current.Task.ETag ?? throw new InvalidOperationException("Deleting a task needs its ETag."))),
        };
        actions.AddRange(current.Steps.Select(s => new TableTransactionAction(TableTransactionActionType.Delete,
            new TableEntity(pk, TaskEntities.StepRowKey(s.Index)), s.ETag is null ? ETag.All : new ETag(s.ETag))));
        await SubmitAsync(actions, cancellationToken);

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {TaskEntities.AttemptPrefix} and RowKey lt {TaskEntities.StepPrefix}");
        var attempts = new List<TableTransactionAction>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            attempts.Add(new TableTransactionAction(TableTransactionActionType.Delete, entity, ETag.All));
        }

        foreach (var batch in attempts.Chunk(100))
        {
            await _table.SubmitTransactionAsync(batch, cancellationToken);
        }
    }

    public async Task<TaskPage> ListAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        var filter = BuildFilter(query);
        var nameFilter = string.IsNullOrWhiteSpace(query.NameContains) ? null : query.NameContains.Trim();
        var skip = Math.Max(0, query.Skip);
        var take = Math.Max(0, query.Take);

        if (query.OldestFirst)
        {
            // The natural order is newest first: count, then take the mirrored window and reverse it.
            var total = await CountAsync(filter, nameFilter, query.Matches, cancellationToken);
            var start = Math.Max(0, total - skip - take);
            var end = Math.Max(0, total - skip);
            var window = await WindowAsync(filter, nameFilter, query.Matches, start, end - start, countAll: false, cancellationToken);
            return new TaskPage(window.Items.Reverse().ToList(), total);
        }

        if (query.CountTotal && query.Matches is null && _counts.Enabled)
        {
            // O(page): the total comes from the maintained count, not from scanning every matching row.
            var key = TaskCounts.Key(filter, nameFilter);
            if (!_counts.TryGet(key, out var total, out var stale))
            {
                total = await CountAsync(filter, nameFilter, null, cancellationToken);
                _counts.Set(key, query, total);
            }
            else if (stale && _counts.BeginRefresh(key))
            {
                _ = RefreshCountAsync(key, query, filter, nameFilter);
            }

            var page = await WindowAsync(filter, nameFilter, null, skip, take, countAll: false, cancellationToken);
            return new TaskPage(page.Items, Math.Max(total, skip + page.Items.Count));
        }

        return await WindowAsync(filter, nameFilter, query.Matches, skip, take, query.CountTotal, cancellationToken);
    }

    /// <summary>Re-counts a filter from storage in the background (changes made by other hosts arrive this way).</summary>
    private async Task RefreshCountAsync(string key, TaskQuery query, string filter, string? nameFilter)
    {
        try
        {
            _counts.Set(key, query, await CountAsync(filter, nameFilter, null, CancellationToken.None));
        }
        catch (Exception ex) when (ex is RequestFailedException or IOException or HttpRequestException or OperationCanceledException)
        {
            // Keeps the maintained count; the next listing tries again.
            _counts.EndRefreshFailed(key);
        }
    }

    private async Task<TaskPage> WindowAsync(string filter, string? nameFilter, Func<TaskRecord, bool>? matches, int skip, int take, bool countAll, CancellationToken cancellationToken)
    {
        var items = new List<TaskRecord>(Math.Min(take, 100));
        var matched = 0;
        // Ask storage for no more rows than the page needs (when every row returned counts).
        var perPage = countAll || nameFilter is not null || matches is not null ? ScanPageSize : Math.Clamp(skip + take, 1, ScanPageSize);
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: perPage, select: TaskEntities.TaskColumns, cancellationToken: cancellationToken).AsPages())
        {
            foreach (var entity in page.Values)
            {
                if (nameFilter is not null && !(entity.GetString("Name") ?? string.Empty).Contains(nameFilter, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var task = matches is null ? null : TaskEntities.ToTask(entity);
                if (task is not null && !matches!(task))
                {
                    continue;
                }

                if (matched >= skip && matched < skip + take)
                {
                    items.Add(task ?? TaskEntities.ToTask(entity));
                }

                matched++;
            }

            if (!countAll && matched >= skip + take)
            {
                return new TaskPage(items, matched);
            }
        }

        return new TaskPage(items, matched);
    }

    private async Task<int> CountAsync(string filter, string? nameFilter, Func<TaskRecord, bool>? matches, CancellationToken cancellationToken)
    {
        var count = 0;
        string[]? select = matches is not null ? TaskEntities.TaskColumns : nameFilter is null ? ["PartitionKey"] : ["PartitionKey", "Name"];
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, ScanPageSize, select, cancellationToken))
        {
            if ((nameFilter is null || (entity.GetString("Name") ?? string.Empty).Contains(nameFilter, StringComparison.OrdinalIgnoreCase))
                && (matches is null || matches(TaskEntities.ToTask(entity))))
            {
                count++;
            }
        }

        return count;
    }

    private static string BuildFilter(TaskQuery query)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey eq {TaskEntities.TaskRowKey}");
        if (query.Statuses is { Count: > 0 } statuses)
        {
            filter += " and (" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"Status eq {s.ToString()}"))) + ")";
        }

        if (!string.IsNullOrWhiteSpace(query.Type))
        {
            filter += " and " + TableClient.CreateQueryFilter($"Type eq {query.Type}");
        }

        if (!string.IsNullOrWhiteSpace(query.Origin))
        {
            filter += " and " + TableClient.CreateQueryFilter($"Origin eq {query.Origin}");
        }

        return filter;
    }

    private async Task<IReadOnlyList<Response>> SubmitAsync(List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.SubmitTransactionAsync(actions, cancellationToken);
            return response.Value;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 409)
        {
            throw new ConcurrencyConflictException($"Another writer changed the task first (HTTP {ex.Status} on action {ex.FailedTransactionActionIndex}).", ex);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 409)
        {
            throw new ConcurrencyConflictException($"Another writer changed the task first (HTTP {ex.Status}).", ex);
        }
    }

    private static TableTransactionAction Replace(TableEntity entity) =>
        entity.ETag == default
            ? throw new InvalidOperationException($"Row {entity.PartitionKey}/{entity.RowKey} has no ETag: every update must be conditional.")
            : new(TableTransactionActionType.UpdateReplace, entity, entity.ETag);

    private static string? ETagOf(Response response) => response.Headers.ETag?.ToString();

    /// <summary>Azurite accepts a batch that spans partitions; Azure does not. Keep every batch in one by construction.</summary>
    internal static void EnsureSamePartition(Guid expected, Guid actual)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException($"A transaction of task {expected} may not touch task {actual}: entity-group transactions stay in one partition.");
        }
    }
}
