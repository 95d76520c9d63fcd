using DurableTask.Core;
using DurableTask.Core.History;
using FuncTasks.LocalHost.Durable;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace FuncTasks.Functions.Tests.Durable;

/// <summary>
/// The LocalHost's extended sessions over a mocked backend and session: which work items are kept, what the next episode
/// carries, and what goes back to the backend. The real engine runs them in the Durable integration tests (Azure Storage).
/// </summary>
public sealed class ExtendedSessionsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly Mock<IOrchestrationService> _backend = new(MockBehavior.Strict);

    public ExtendedSessionsTests()
    {
        _backend.Setup(b => b.ReleaseTaskOrchestrationWorkItemAsync(It.IsAny<TaskOrchestrationWorkItem>())).Returns(Task.CompletedTask);
        _backend.Setup(b => b.AbandonTaskOrchestrationWorkItemAsync(It.IsAny<TaskOrchestrationWorkItem>())).Returns(Task.CompletedTask);
        // The backend has no work of its own unless a test says otherwise: its fetch waits.
        _backend.Setup(b => b.LockNextTaskOrchestrationWorkItemAsync(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .Returns(new TaskCompletionSource<TaskOrchestrationWorkItem>().Task);
    }

    private ExtendedSessions Sessions(int max = 8) => new(_backend.Object, max, NullLogger.Instance);

    private static OrchestrationRuntimeState Running()
    {
        var state = new OrchestrationRuntimeState();
        state.AddEvent(new OrchestratorStartedEvent(-1));
        state.AddEvent(new ExecutionStartedEvent(-1, "{}") { Name = "RunTask", OrchestrationInstance = new OrchestrationInstance { InstanceId = "i", ExecutionId = "e" } });
        state.AddEvent(new TaskScheduledEvent(0, "ExecuteStep"));
        state.AddEvent(new OrchestratorCompletedEvent(-1));
        return state;
    }

    private static (TaskOrchestrationWorkItem Item, Mock<IOrchestrationSession> Session, TaskCompletionSource<IList<TaskMessage>?> Next) Item(
        OrchestrationRuntimeState? state = null)
    {
        var next = new TaskCompletionSource<IList<TaskMessage>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var session = new Mock<IOrchestrationSession>();
        session.Setup(s => s.FetchNewOrchestrationMessagesAsync(It.IsAny<TaskOrchestrationWorkItem>())).Returns(() => next.Task);
        session.Setup(s => s.EndSessionAsync()).Returns(Task.CompletedTask);
        var item = new TaskOrchestrationWorkItem
        {
            InstanceId = "i",
            OrchestrationRuntimeState = state ?? Running(),
            NewMessages = [],
            Session = session.Object,
        };
        return (item, session, next);
    }

    private static TaskMessage Completed() => new()
    {
        Event = new TaskCompletedEvent(-1, 0, "{}"),
        OrchestrationInstance = new OrchestrationInstance { InstanceId = "i", ExecutionId = "e" },
    };

    [Fact]
    public async Task A_running_orchestrations_work_item_is_kept_and_its_next_messages_come_back_with_the_whole_history_as_past_events()
    {
        using var sessions = Sessions();
        var (item, _, next) = Item();
        var history = item.OrchestrationRuntimeState.Events.ToList();

        await sessions.ReleaseAsync(item);

        Assert.Equal(1, sessions.Kept);
        _backend.Verify(b => b.ReleaseTaskOrchestrationWorkItemAsync(It.IsAny<TaskOrchestrationWorkItem>()), Times.Never);
        var message = Completed();
        next.SetResult([message]);
        var episode = await sessions.LockNextAsync(TimeSpan.Zero, CancellationToken.None).WaitAsync(Deadline);

        Assert.Same(item, episode);
        Assert.Equal([message], episode.NewMessages);
        Assert.Equal(history, episode.OrchestrationRuntimeState.PastEvents);
        Assert.Equal(history, episode.OrchestrationRuntimeState.Events);
        Assert.Empty(episode.OrchestrationRuntimeState.NewEvents);
        Assert.True(episode.IsExtendedSession);
        Assert.Equal(0, sessions.Kept);
        _backend.Verify(b => b.ReleaseTaskOrchestrationWorkItemAsync(It.IsAny<TaskOrchestrationWorkItem>()), Times.Never);
    }

    [Fact]
    public async Task A_session_idle_until_the_backends_timeout_is_released_to_the_backend()
    {
        using var sessions = Sessions();
        var (item, session, next) = Item();
        await sessions.ReleaseAsync(item);

        next.SetResult(null);

        await Eventually.Until(() => sessions.Kept == 0, "the idle session is no longer kept");
        _backend.Verify(b => b.ReleaseTaskOrchestrationWorkItemAsync(item), Times.Once);
        session.Verify(s => s.EndSessionAsync(), Times.Once);
    }

    [Fact]
    public async Task An_abandoned_work_item_is_released_at_once_without_waiting_for_messages()
    {
        using var sessions = Sessions();
        var (item, session, _) = Item();

        await sessions.AbandonAsync(item);
        await sessions.ReleaseAsync(item);

        _backend.Verify(b => b.AbandonTaskOrchestrationWorkItemAsync(item), Times.Once);
        _backend.Verify(b => b.ReleaseTaskOrchestrationWorkItemAsync(item), Times.Once);
        session.Verify(s => s.FetchNewOrchestrationMessagesAsync(It.IsAny<TaskOrchestrationWorkItem>()), Times.Never);
        Assert.Equal(0, sessions.Kept);
    }

    [Fact]
    public async Task A_finished_orchestrations_work_item_is_released_at_once()
    {
        using var sessions = Sessions();
        var state = Running();
        state.AddEvent(new ExecutionCompletedEvent(-1, "\"Completed\"", OrchestrationStatus.Completed));
        var (item, session, _) = Item(state);

        await sessions.ReleaseAsync(item);

        _backend.Verify(b => b.ReleaseTaskOrchestrationWorkItemAsync(item), Times.Once);
        session.Verify(s => s.FetchNewOrchestrationMessagesAsync(It.IsAny<TaskOrchestrationWorkItem>()), Times.Never);
    }

    [Fact]
    public async Task Beyond_the_most_sessions_kept_a_work_item_is_released_at_once()
    {
        using var sessions = Sessions(max: 1);
        var (first, _, _) = Item();
        var (second, secondSession, _) = Item();

        await sessions.ReleaseAsync(first);
        await sessions.ReleaseAsync(second);

        Assert.Equal(1, sessions.Kept);
        _backend.Verify(b => b.ReleaseTaskOrchestrationWorkItemAsync(first), Times.Never);
        _backend.Verify(b => b.ReleaseTaskOrchestrationWorkItemAsync(second), Times.Once);
        secondSession.Verify(s => s.FetchNewOrchestrationMessagesAsync(It.IsAny<TaskOrchestrationWorkItem>()), Times.Never);
    }

    [Fact]
    public async Task A_backend_fetch_overtaken_by_a_sessions_episode_is_kept_for_the_next_call_not_started_again()
    {
        using var sessions = Sessions();
        var fetched = new TaskCompletionSource<TaskOrchestrationWorkItem>(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.Setup(b => b.LockNextTaskOrchestrationWorkItemAsync(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>())).Returns(fetched.Task);
        var (kept, _, next) = Item();
        await sessions.ReleaseAsync(kept);

        var first = sessions.LockNextAsync(TimeSpan.Zero, CancellationToken.None);
        Assert.False(first.IsCompleted);
        next.SetResult([Completed()]);
        Assert.Same(kept, await first.WaitAsync(Deadline));

        var second = sessions.LockNextAsync(TimeSpan.Zero, CancellationToken.None);
        Assert.False(second.IsCompleted);
        var other = new TaskOrchestrationWorkItem { InstanceId = "other" };
        fetched.SetResult(other);
        Assert.Same(other, await second.WaitAsync(Deadline));
        _backend.Verify(b => b.LockNextTaskOrchestrationWorkItemAsync(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Stopping_releases_the_kept_sessions_and_later_releases_are_not_kept()
    {
        using var sessions = Sessions();
        var (kept, _, _) = Item();
        await sessions.ReleaseAsync(kept);

        await sessions.StopAsync().WaitAsync(Deadline);

        Assert.Equal(0, sessions.Kept);
        _backend.Verify(b => b.ReleaseTaskOrchestrationWorkItemAsync(kept), Times.Once);
        var (late, lateSession, _) = Item();
        await sessions.ReleaseAsync(late);
        _backend.Verify(b => b.ReleaseTaskOrchestrationWorkItemAsync(late), Times.Once);
        lateSession.Verify(s => s.FetchNewOrchestrationMessagesAsync(It.IsAny<TaskOrchestrationWorkItem>()), Times.Never);
    }
}
