using FuncTasks.Api;
using FuncTasks.Core;
using FuncTasks.Core.Engine;
using FuncTasks.Functions.Durable;
using FuncTasks.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The same Core, Storage and Api services as FuncTasks.LocalHost, with the Durable runner instead of the queue runner.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services
    .AddFuncTasks(builder.Configuration)
    .AddFuncTasksTableStorage(builder.Configuration);

builder.Services.AddOptions<OrchestrationOptions>()
    .Bind(builder.Configuration.GetSection(OrchestrationOptions.Section))
    .Validate(o => o.IsDurable, "FuncTasks:Runner:Kind must be 'Durable' in the Functions app (the queue runner is FuncTasks.LocalHost's).")
    .ValidateOnStart();
builder.Services.AddSingleton<TaskRunActivities>();
builder.Services.AddSingleton<DurableTaskRunner>();
builder.Services.AddSingleton<ITaskRunner>(sp => sp.GetRequiredService<DurableTaskRunner>());

// The orchestrator waits delay steps on durable timers; registered after the built-in actions, it replaces the in-activity delay.
builder.Services.AddSingleton<IStepAction, TimerDelayStepAction>();

builder.Build().Run();
