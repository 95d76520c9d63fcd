using FuncTasks.Core.Model;
using Microsoft.Extensions.Time.Testing;

namespace FuncTasks.Core.Tests.Model;

public sealed class TaskIdsTests
{
    [Fact]
    public void A_step_id_leads_back_to_its_task_and_index()
    {
        var taskId = TaskIds.NewTaskId(TimeProvider.System);

        var stepId = TaskIds.StepId(taskId, 41);

        Assert.True(TaskIds.TryParseStepId(stepId, out var parsedTask, out var index));
        Assert.Equal(taskId, parsedTask);
        Assert.Equal(41, index);
        Assert.NotEqual(taskId, stepId);
    }

    [Fact]
    public void A_task_id_is_not_a_step_id()
    {
        var taskId = TaskIds.NewTaskId(TimeProvider.System);

        Assert.True(TaskIds.IsTaskId(taskId));
        Assert.False(TaskIds.TryParseStepId(taskId, out _, out _));
    }

    [Fact]
    public void Newer_tasks_sort_first_in_the_partition_key_order()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var older = TaskIds.NewTaskId(time);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var newer = TaskIds.NewTaskId(time);

        Assert.True(string.CompareOrdinal(newer.ToString(), older.ToString()) < 0);
    }

    [Fact]
    public void Ids_are_version_8_guids_with_the_rfc_variant()
    {
        var id = TaskIds.NewTaskId(TimeProvider.System);

        Assert.Equal(8, id.Version);
        Assert.Equal(0b1000, id.Variant & 0b1100);
    }

    [Theory]
    [InlineData("fe5db2da-ade1-81fe-9e8a-0x48eaa80000")]
    [InlineData("{0xfe5db2da,0xade1,0x81fe,{0x9e,0x8a,0x00,0x48,0xea,0xa8,0x00,0x00}}")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-guid")]
    [InlineData(null)]
    public void An_id_spelled_other_than_with_hex_digits_is_not_an_id(string? text)
    {
        Assert.False(TaskIds.TryParse(text, out _));
    }

    [Fact]
    public void A_task_id_parses_in_its_canonical_spelling()
    {
        Assert.True(TaskIds.TryParse("fe5db2da-ade1-81fe-9e8a-0048eaa80000", out var id));
        Assert.Equal(Guid.ParseExact("fe5db2daade181fe9e8a0048eaa80000", "N"), id);
    }
}
