using FuncTasks.Core;
using FuncTasks.Core.Engine;
using FuncTasks.Durable;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace FuncTasks.Functions.Tests.Durable;

/// <summary><see cref="DurableTaskRunner"/> against a mocked <see cref="DurableTaskClient"/>: what it asks the engine for, and how engine failures surface.</summary>
public sealed class DurableTaskRunnerTests
{
    private static readonly Guid TaskId = Guid.Parse("7fffe6b1-2a3c-8d4e-9f00-aabbccdd0000");
    private static readonly string InstanceId = TaskId.ToString("D");

    private readonly Mock<DurableTaskClient> _client = new("test") { CallBase = true };
    private readonly RunningSteps _running = new();
    private readonly DurableTaskRunner _runner;

    public DurableTaskRunnerTests()
    {
        var clients = new Mock<IDurableClientProvider>();
        clients.Setup(c => c.Client).Returns(_client.Object);
        var options = Options.Create(new OrchestrationOptions { ResumeTimeout = TimeSpan.FromDays(3), ActivityMaxAttempts = 2 });
        _runner = new DurableTaskRunner(clients.Object, _running, options, NullLogger<DurableTaskRunner>.Instance);
    }

    private void Instance(OrchestrationRuntimeStatus? status) =>
        _client.Setup(c => c.GetInstancesAsync(InstanceId, false, It.IsAny<CancellationToken>()))
            .ReturnsAsync(status is { } s ? new OrchestrationMetadata(TaskRunOrchestrator.Name, InstanceId) { RuntimeStatus = s } : null);

    [Fact]
    public async Task A_task_without_an_orchestration_starts_one_whose_instance_id_is_the_task_id()
    {
        Instance(null);
        TaskRun? input = null;
        StartOrchestrationOptions? started = null;
        _client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(TaskRunOrchestrator.Name, It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Callback((TaskName _, object? i, StartOrchestrationOptions? o, CancellationToken _) => (input, started) = ((TaskRun?)i, o))
            .ReturnsAsync(InstanceId);

        await _runner.ScheduleAsync(TaskId, 4, CancellationToken.None);

        Assert.Equal(InstanceId, started?.InstanceId);
        Assert.Equal(new TaskRun(TaskId, 4, TimeSpan.FromDays(3)) { Retry = new ActivityRetry(2, ActivityRetry.Default.FirstInterval, ActivityRetry.Default.MaxInterval) }, input);
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Running)]
    [InlineData(OrchestrationRuntimeStatus.Pending)]
    public async Task A_waiting_orchestration_is_resumed_with_the_new_generation_and_no_second_one_starts(OrchestrationRuntimeStatus status)
    {
        Instance(status);
        _client.Setup(c => c.RaiseEventAsync(InstanceId, TaskRunOrchestrator.ResumeEvent, 5, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask).Verifiable();

        await _runner.ScheduleAsync(TaskId, 5, CancellationToken.None);

        _client.Verify();
        _client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Completed)]
    [InlineData(OrchestrationRuntimeStatus.Terminated)]
    [InlineData(OrchestrationRuntimeStatus.Failed)]
    public async Task A_finished_orchestration_is_replaced_by_a_new_one_with_the_same_instance_id(OrchestrationRuntimeStatus status)
    {
        Instance(status);
        _client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(TaskRunOrchestrator.Name, It.IsAny<object?>(),
            It.Is<StartOrchestrationOptions?>(o => o!.InstanceId == InstanceId), It.IsAny<CancellationToken>())).ReturnsAsync(InstanceId).Verifiable();

        await _runner.ScheduleAsync(TaskId, 2, CancellationToken.None);

        _client.Verify();
        _client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task An_engine_that_cannot_be_reached_is_reported_as_unavailable_not_as_a_bug()
    {
        _client.Setup(c => c.GetInstancesAsync(InstanceId, false, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("Status(StatusCode=\"Unavailable\", Detail=\"Error connecting to subchannel.\")"));

        var error = await Assert.ThrowsAsync<RunnerUnavailableException>(() => _runner.ScheduleAsync(TaskId, 1, CancellationToken.None));

        Assert.Contains("Unavailable", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public async Task Cancel_terminates_a_running_orchestration_and_signals_the_step_running_here()
    {
        Instance(OrchestrationRuntimeStatus.Running);
        _client.Setup(c => c.TerminateInstanceAsync(InstanceId, It.IsAny<TerminateInstanceOptions?>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask).Verifiable();
        var step = _running.Register(TaskId);

        await _runner.CancelAsync(TaskId, CancellationToken.None);

        _client.Verify();
        Assert.True(step.IsCancellationRequested);
        _running.Unregister(TaskId, step);
    }

    [Fact]
    public async Task Cancel_stored_while_the_engine_is_unreachable_still_signals_the_step_and_does_not_fail()
    {
        _client.Setup(c => c.GetInstancesAsync(InstanceId, false, It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("broken pipe"));
        var step = _running.Register(TaskId);

        await _runner.CancelAsync(TaskId, CancellationToken.None);

        Assert.True(step.IsCancellationRequested);
        _client.Verify(c => c.TerminateInstanceAsync(It.IsAny<string>(), It.IsAny<TerminateInstanceOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
        _running.Unregister(TaskId, step);
    }

    [Fact]
    public async Task A_task_finished_by_its_last_external_step_lets_the_waiting_orchestration_end()
    {
        Instance(OrchestrationRuntimeStatus.Running);
        _client.Setup(c => c.RaiseEventAsync(InstanceId, TaskRunOrchestrator.ResumeEvent, 3, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask).Verifiable();

        await _runner.ReleaseAsync(TaskId, 3, CancellationToken.None);

        _client.Verify();
    }

    [Fact]
    public async Task Releasing_a_task_whose_orchestration_has_ended_starts_nothing()
    {
        Instance(OrchestrationRuntimeStatus.Completed);

        await _runner.ReleaseAsync(TaskId, 3, CancellationToken.None);

        _client.Verify(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
        _client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
