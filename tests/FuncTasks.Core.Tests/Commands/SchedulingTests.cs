using FuncTasks.Core.Commands;
using FuncTasks.Core.Engine;
using FuncTasks.Core.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace FuncTasks.Core.Tests.Commands;

/// <summary>
/// Once a create (or retry, restart) is decided, neither the request's deadline nor a client leaving may cut it
/// between the write and the schedule: that would leave a task in progress that nothing runs.
/// </summary>
public sealed class SchedulingTests
{
    private readonly Mock<ITaskStore> _store = new(MockBehavior.Strict);
    private readonly Mock<ITaskRunner> _runner = new(MockBehavior.Strict);
    private readonly List<CancellationToken> _writeTokens = [];
    private readonly List<TaskUpdate> _saved = [];

    public SchedulingTests()
    {
        _store.Setup(s => s.CreateAsync(It.IsAny<TaskRecord>(), It.IsAny<IReadOnlyList<TaskStep>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskRecord t, IReadOnlyList<TaskStep> steps, CancellationToken ct) =>
            {
                _writeTokens.Add(ct);
                return new TaskSnapshot(t with { ETag = "t1" }, steps.Select(s => s with { ETag = "s1" }).ToList(), []);
            });
        _store.Setup(s => s.SaveAsync(It.IsAny<TaskSnapshot>(), It.IsAny<TaskUpdate>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskSnapshot current, TaskUpdate update, CancellationToken _) =>
            {
                _saved.Add(update);
                return current with { Task = update.Task ?? current.Task };
            });
    }

    [Fact]
    public async Task A_request_cancelled_after_the_insert_still_schedules_the_run_with_a_token_it_cannot_cancel()
    {
        using var request = new CancellationTokenSource();
        CancellationToken scheduledWith = default;
        _runner.Setup(r => r.ScheduleAsync(It.IsAny<Guid>(), 1, It.IsAny<CancellationToken>()))
            .Returns((Guid _, int _, CancellationToken ct) =>
            {
                scheduledWith = ct;
                return Task.CompletedTask;
            });
        _store.Setup(s => s.CreateAsync(It.IsAny<TaskRecord>(), It.IsAny<IReadOnlyList<TaskStep>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskRecord t, IReadOnlyList<TaskStep> steps, CancellationToken ct) =>
            {
                _writeTokens.Add(ct);
                request.Cancel(); // the deadline passes while the insert is on its way
                return new TaskSnapshot(t with { ETag = "t1" }, steps.Select(s => s with { ETag = "s1" }).ToList(), []);
            });

        var created = await Handler().HandleAsync(new CreateTask("t", "T", null, [new NewStep("s", "delay", null, null)]), request.Token);

        Assert.Equal(TaskState.InProgress, created.Task.Status);
        Assert.False(Assert.Single(_writeTokens).CanBeCanceled);
        Assert.False(scheduledWith.CanBeCanceled);
        _runner.Verify(r => r.ScheduleAsync(created.Task.Id, 1, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task A_schedule_that_is_cancelled_marks_the_task_failed_so_it_can_be_retried()
    {
        _runner.Setup(r => r.ScheduleAsync(It.IsAny<Guid>(), 1, It.IsAny<CancellationToken>())).ThrowsAsync(new TaskCanceledException("runner stopping"));

        await Assert.ThrowsAsync<TaskCanceledException>(() =>
            Handler().HandleAsync(new CreateTask("t", "T", null, [new NewStep("s", "delay", null, null)]), CancellationToken.None));

        var revert = Assert.Single(_saved);
        Assert.Equal(TaskState.Failed, revert.Task!.Status);
        Assert.Equal("FuncTasks.ScheduleFailed", revert.Task.Error!.ErrorType);
    }

    private CreateTaskHandler Handler()
    {
        var options = Options.Create(new EngineOptions());
        var mutation = new TaskMutation(_store.Object, _runner.Object, TimeProvider.System, options, NullLogger<TaskMutation>.Instance);
        var delay = new Mock<IStepAction>();
        delay.SetupGet(a => a.Name).Returns("delay");
        delay.Setup(a => a.Validate(It.IsAny<IReadOnlyDictionary<string, ParamValue>>())).Returns([]);
        return new CreateTaskHandler(_store.Object, mutation, new TaskValidation(new StepActionRegistry([delay.Object]), options));
    }
}
