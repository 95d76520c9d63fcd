using FuncTasks.Api;
using FuncTasks.LocalHost;
using FuncTasks.Storage;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    // The port `func start` uses, on loopback only.
    builder.WebHost.UseUrls("http://127.0.0.1:7071");
}

builder.Services
    .AddFuncTasks(builder.Configuration)
    .AddFuncTasksTableStorage(builder.Configuration)
    .AddFuncTasksQueueRunner(builder.Configuration);

var app = builder.Build();
app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = LastResort.HandleAsync });
app.MapHealth();
app.MapFuncTasks();
app.Run();

public partial class Program;
