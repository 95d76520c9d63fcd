using Grpc.Core;
using Grpc.Core.Interceptors;
using P = Microsoft.DurableTask.Protobuf;

namespace FuncTasks.IntegrationTests.Durable;

/// <summary>
/// One event of an orchestration's history: its execution (a new orchestration for the same instance id has a new one),
/// its type as Durable Task names it (ExecutionStarted, TaskScheduled, TimerCreated, EventRaised, ...), and the name of
/// the activity scheduled, of the event raised or of the orchestrator started.
/// </summary>
public sealed record HistoryEntry(string ExecutionId, string Type, string? Name = null, string? Input = null)
{
    public override string ToString() => Name is null ? Type : $"{Type}({Name})";
}

/// <summary>
/// The history of the orchestrations run by a LocalHost's Durable worker, as the engine hands it to the worker.
/// <c>DurableTaskClient.GetOrchestrationHistoryAsync</c> cannot be used: the LocalHost's sidecar (Durable Task's
/// <c>TaskHubGrpcServer</c>) only serves histories above 1 MiB through it (an empty list otherwise), and its in-memory
/// backend keeps no history readable from outside. So this gRPC interceptor on the worker's channel
/// (<c>GrpcDurableTaskWorkerOptions.Interceptors</c>) keeps, per instance and execution, the history of the latest
/// orchestrator work item (its past and new events) followed by the actions the orchestrator answered it with (which
/// the engine writes as TaskScheduled, TimerCreated, ExecutionCompleted).
/// </summary>
public sealed class OrchestrationHistoryRecorder : Interceptor
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Instance> _instances = new(StringComparer.Ordinal);

    /// <summary>The instance's history so far, executions in the order they started; empty when it never ran here.</summary>
    public IReadOnlyList<HistoryEntry> History(string instanceId)
    {
        lock (_gate)
        {
            if (!_instances.TryGetValue(instanceId, out var instance))
            {
                return [];
            }

            return [.. instance.Executions.SelectMany(e => instance.Events[e].Concat(instance.Actions.GetValueOrDefault(e, [])))];
        }
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        return new AsyncServerStreamingCall<TResponse>(
            new RecordingReader<TResponse>(call.ResponseStream, this), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (request is P.OrchestratorResponse response)
        {
            Answered(response);
        }

        return continuation(request, context);
    }

    private void Received(P.OrchestratorRequest request)
    {
        var execution = request.ExecutionId ?? string.Empty;
        var events = request.PastEvents.Concat(request.NewEvents).Select(e => Entry(execution, e)).ToList();
        lock (_gate)
        {
            if (!_instances.TryGetValue(request.InstanceId, out var instance))
            {
                _instances[request.InstanceId] = instance = new Instance();
            }

            if (!instance.Events.TryGetValue(execution, out var known))
            {
                instance.Executions.Add(execution);
            }
            else if (known.Count > events.Count)
            {
                return; // a redelivery of an older work item: the history only grows
            }

            instance.Events[execution] = events;
            instance.Actions.Remove(execution);
            instance.Current = execution;
        }
    }

    private void Answered(P.OrchestratorResponse response)
    {
        lock (_gate)
        {
            if (!_instances.TryGetValue(response.InstanceId, out var instance) || instance.Current is not { } execution)
            {
                return;
            }

            var actions = instance.Actions.TryGetValue(execution, out var list) ? list : instance.Actions[execution] = [];
            actions.AddRange(response.Actions.Select(a => a.OrchestratorActionTypeCase switch
            {
                P.OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask => new HistoryEntry(execution, "TaskScheduled", a.ScheduleTask.Name),
                P.OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer => new HistoryEntry(execution, "TimerCreated"),
                P.OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration => new HistoryEntry(
                    execution, a.CompleteOrchestration.OrchestrationStatus == P.OrchestrationStatus.Completed ? "ExecutionCompleted" : "ExecutionFailed"),
                var other => new HistoryEntry(execution, other.ToString()),
            }));
        }
    }

    private static HistoryEntry Entry(string execution, P.HistoryEvent e) => e.EventTypeCase switch
    {
        P.HistoryEvent.EventTypeOneofCase.ExecutionStarted => new HistoryEntry(execution, "ExecutionStarted", e.ExecutionStarted.Name),
        P.HistoryEvent.EventTypeOneofCase.TaskScheduled => new HistoryEntry(execution, "TaskScheduled", e.TaskScheduled.Name),
        P.HistoryEvent.EventTypeOneofCase.EventRaised => new HistoryEntry(execution, "EventRaised", e.EventRaised.Name, e.EventRaised.Input),
        var other => new HistoryEntry(execution, other.ToString()),
    };

    private sealed class Instance
    {
        public List<string> Executions { get; } = [];

        public Dictionary<string, List<HistoryEntry>> Events { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<HistoryEntry>> Actions { get; } = new(StringComparer.Ordinal);

        public string? Current { get; set; }
    }

    private sealed class RecordingReader<T>(IAsyncStreamReader<T> inner, OrchestrationHistoryRecorder recorder) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var moved = await inner.MoveNext(cancellationToken);
            if (moved && inner.Current is P.WorkItem { OrchestratorRequest: { } request })
            {
                recorder.Received(request);
            }

            return moved;
        }
    }
}
