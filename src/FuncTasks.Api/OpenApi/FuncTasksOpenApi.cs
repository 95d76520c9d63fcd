using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// The OpenAPI document of every dialect (<c>services.AddOpenApi(FuncTasksOpenApi.Configure)</c>): the endpoints'
/// own metadata (names, summaries, request and response types per status code), plus the key schemes, an
/// example for every body, and no <c>servers</c> (a client calls the origin it read the document from).
/// </summary>
public static class FuncTasksOpenApi
{
    public const string BearerScheme = "bearer";
    public const string FunctionsKeyScheme = "functionsKey";

    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddOperationTransformer(new OperationExamples());
        options.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            SchemaExamples.FillMissing(document);
            return Task.CompletedTask;
        });
    }

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

        // A document without servers means "the origin it was served from": right for every host and port.
        document.Servers = [];

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
