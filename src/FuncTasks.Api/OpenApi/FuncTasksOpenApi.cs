using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FuncTasks.Api.OpenApi;

/// <summary>
/// The OpenAPI document of every dialect (<c>services.AddOpenApi(FuncTasksOpenApi.Configure)</c>): the endpoints'
/// own metadata (names, summaries, request and response types per status code), plus the key schemes, schemas
/// that say what each dialect puts on the wire (<see cref="WireSchemas"/>, and each dialect's own
/// <see cref="IDialectOpenApi"/>), an example for every body, and the servers a client (or the reference page's snippets) can call.
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
            var dialects = DialectOpenApis.All(context.ApplicationServices);
            Describe(document, dialects);
            foreach (var dialect in dialects)
            {
                await dialect.TransformAsync(document, context, wire, cancellationToken);
            }

            wire.Apply(document, context.ApplicationServices, dialects);
            SchemaExamples.FillMissing(document);
        });
    }

    private static void Describe(OpenApiDocument document, IReadOnlyList<IDialectOpenApi> dialects)
    {
        document.Info = new OpenApiInfo
        {
            Title = "FuncTasks",
            Version = "v1",
            Description = FuncTasksApi.Description,
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
            tag.Description ??= dialects.FirstOrDefault(d => d.Tag == tag.Name)?.TagDescription;
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
