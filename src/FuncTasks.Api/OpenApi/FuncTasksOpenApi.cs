using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// The OpenAPI document of every dialect (<c>services.AddOpenApi(FuncTasksOpenApi.Configure)</c>): the endpoints'
/// own metadata (names, summaries, request and response types per status code), plus the key schemes, schemas
/// that say what each dialect puts on the wire (<see cref="WireSchemas"/>, <see cref="CognaizeEnvelopes"/>), an
/// example for every body, and the servers a client (or the reference page's snippets) can call.
/// </summary>
public static class FuncTasksOpenApi
{
    public const string BearerScheme = "bearer";
    public const string FunctionsKeyScheme = "functionsKey";
    public const string LocalUrl = "http://127.0.0.1:7071";

    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var wire = new WireSchemas();
        options.CreateSchemaReferenceId = wire.ReferenceId;
        options.AddOperationTransformer(new OperationExamples());
        options.AddDocumentTransformer(async (document, context, cancellationToken) =>
        {
            Describe(document);
            await CognaizeEnvelopes.ApplyAsync(document, context, wire, cancellationToken);
            wire.Apply(document, context.ApplicationServices);
            SchemaExamples.FillMissing(document);
        });
    }

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Tasks (VMware Cloud Foundation)"] = "The Tasks API of VMware Cloud Foundation SDDC Manager: a task of ordered steps (its subtasks), retried with PATCH and cancelled with DELETE. Errors are VCF Error objects.",
        ["Jobs (Flatfile)"] = "The Jobs API of Flatfile: agent-driven jobs (ack, complete, fail) and planned jobs whose steps the engine runs. Bodies are `{data}`, errors `{errors: [{key?, message}]}`.",
        ["Processes (Cognaize)"] = "The Process API of the Cognaize workflow engine: stored workflows, processes started from them, failed steps restarted with corrected params. Every answer is an envelope `{message, timestamp, data, version}`.",
        ["Task info (VMware Live Site Recovery)"] = "The task info of VMware Live Site Recovery (read only, snake_case): status, progress, times and a failure as a serialised exception.",
    };

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "FuncTasks",
            Version = "v1",
            Description = """
                One task model and one engine behind four wire contracts: the Tasks API of VMware Cloud Foundation
                SDDC Manager (`/v1/tasks`), the task info of VMware Live Site Recovery (`/tasks`), the Process API of the
                Cognaize workflow engine (`/api/v1/processes`, `/api/v1/workflows`) and the Jobs API of Flatfile (`/v1/jobs`).
                Each dialect answers errors in its own body. Every endpoint needs a key, sent as `Authorization: Bearer <key>`
                or `x-functions-key: <key>`; a reader key may only read.
                """,
        };

        // The LocalHost (scripts/run.sh) and `func start` listen on 127.0.0.1:7071; a deployed Functions app on its own host.
        document.Servers =
        [
            new OpenApiServer { Url = LocalUrl, Description = "The LocalHost (scripts/run.sh), or the Functions app under Core Tools (func start)" },
            new OpenApiServer
            {
                Url = "https://{host}",
                Description = "A deployed Functions app (the deployment's functionAppUrl output)",
                Variables = new Dictionary<string, OpenApiServerVariable>
                {
                    ["host"] = new() { Default = "functasks.azurewebsites.net", Description = "The Functions app's host name" },
                },
            },
        ];

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? string.Empty);
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key as a bearer token: `Authorization: Bearer <key>`. Keys have the role reader or operator.",
        };
        document.Components.SecuritySchemes[FunctionsKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "x-functions-key",
            Description = "The same key in the Azure Functions header: `x-functions-key: <key>`.",
        };

        // Either scheme is enough (two requirement objects = alternatives).
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(FunctionsKeyScheme, document)] = [] },
        ];
    }
}
