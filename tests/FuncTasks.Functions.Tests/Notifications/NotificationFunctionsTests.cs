using FuncTasks.Core.Notifications;
using FuncTasks.Functions.Notifications;
using FuncTasks.Functions.Tests.Support;

namespace FuncTasks.Functions.Tests.Notifications;

/// <summary>The webhook dispatcher's triggers as the Functions host reads them from functions.metadata.</summary>
public sealed class NotificationFunctionsTests
{
    [Fact]
    public void The_dispatch_queue_trigger_and_the_sweep_timer_are_in_functions_metadata()
    {
        var functions = FunctionsMetadata.FromBuild().ToDictionary(f => f.Name, StringComparer.Ordinal);

        var dispatch = Assert.Single(functions[NotificationFunctions.DispatchName].Bindings);
        Assert.Equal(("queueTrigger", "In"), (dispatch.Type, dispatch.Direction));
        var sweep = Assert.Single(functions[NotificationFunctions.SweepName].Bindings);
        Assert.Equal(("timerTrigger", "In"), (sweep.Type, sweep.Direction));
    }

    [Fact]
    public void A_queue_message_round_trips_and_anything_else_is_dropped()
    {
        var message = new NotificationMessage(Guid.NewGuid(), Guid.NewGuid());
        Assert.Equal(message, NotificationMessage.Parse(message.ToJson()));
        Assert.Null(NotificationMessage.Parse("not json"));
        Assert.Null(NotificationMessage.Parse("{\"taskId\":\"00000000-0000-0000-0000-000000000000\"}"));
    }
}
