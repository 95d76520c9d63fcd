using FuncTasks.Api;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;
using FuncTasks.Api.OpenApi;
using FuncTasks.LocalHost;
using FuncTasks.LocalHost.Durable;
using FuncTasks.Storage;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    // The port `func start` uses, on loopback only.
    builder.WebHost.UseUrls("http://127.0.0.1:7071");
}

builder.Services
    .AddFuncTasks(builder.Configuration)
    .AddFuncTasksTableStorage(builder.Configuration);
if (DurableRunnerRegistration.UsesDurableRunner(builder.Configuration))
{
    builder.Services.AddFuncTasksLocalDurableRunner(builder.Configuration);
}
else
{
    builder.Services.AddFuncTasksQueueRunner(builder.Configuration);
}

builder.Services.AddOpenApi(FuncTasksOpenApi.Configure);

var app = builder.Build();
app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = LastResort.HandleAsync });
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapHealth();
app.MapOpenApi();
app.MapScalarApiReference("/docs", scalar => scalar
    .WithTitle("FuncTasks API")
    .AddPreferredSecuritySchemes(FuncTasksOpenApi.BearerScheme)
    .DisableDefaultFonts().DisableTelemetry().DisableAgent().DisableMcp().HideDeveloperTools()); // served locally, calls nothing outside

// The dashboard's own question, LocalHost only (not an API of any dialect): whose key is this?
app.MapGet("/dashboard/me", (HttpRequest request, ApiKeyAuthenticator keys) => keys.Authenticate(request) is { } caller
        ? Results.Ok(new { name = caller.Name, role = caller.Role.ToString().ToLowerInvariant() })
        : Results.Json(new { message = "This key is not valid: no configured key has this secret." }, statusCode: StatusCodes.Status401Unauthorized))
    .WithName("DashboardMe").ExcludeFromDescription();
app.MapFuncTasks();
app.Run();

public partial class Program;
