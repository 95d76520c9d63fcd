using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using FuncTasks.Core;
using FuncTasks.Core.Definitions;
using Microsoft.Extensions.Options;

namespace FuncTasks.Storage;

/// <summary>
/// <see cref="IDefinitionStore"/> on Azure Table Storage: one row per definition (PartitionKey = definition id,
/// RowKey "workflow"). The steps are JSON split over properties of at most 30K characters, since one
/// property holds 64 KiB; the row is inserted once and read with its ETag.
/// </summary>
public sealed class TableDefinitionStore(TableServiceClient service, IOptions<StorageOptions> options) : IDefinitionStore
{
    public const string RowKey = "workflow";
    private const int ChunkLength = 30_000;
    private const int MaxChunks = 15;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly TableClient _table = service.GetTableClient(options.Value.WorkflowsTable);

    public async Task<TaskDefinition> CreateAsync(TaskDefinition definition, CancellationToken cancellationToken)
    {
        var steps = JsonSerializer.Serialize(definition.Steps, Json);
        var chunks = (steps.Length + ChunkLength - 1) / ChunkLength;
        if (chunks > MaxChunks)
        {
            throw new InvalidRequestException("steps", $"The workflow definition is too large ({steps.Length} characters as JSON).");
        }

        var entity = new TableEntity(definition.Id.ToString("D"), RowKey)
        {
            ["Name"] = definition.Name,
            ["Type"] = definition.Type,
            ["Description"] = definition.Description,
            ["CreatedAt"] = definition.CreatedAt,
            ["StepCount"] = definition.Steps.Count,
            ["StepsChunks"] = chunks,
        };
        for (var i = 0; i < chunks; i++)
        {
            entity[$"Steps{i}"] = steps.Substring(i * ChunkLength, Math.Min(ChunkLength, steps.Length - (i * ChunkLength)));
        }

        try
        {
            var response = await _table.AddEntityAsync(entity, cancellationToken);
            return definition with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            throw new ConcurrencyConflictException($"Workflow {definition.Id} already exists.", ex);
        }
    }

    public async Task<TaskDefinition?> GetAsync(Guid definitionId, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(definitionId.ToString("D"), RowKey, cancellationToken: cancellationToken);
        if (!response.HasValue)
        {
            return null;
        }

        var e = response.Value!;
        var json = new StringBuilder();
        for (var i = 0; i < (e.GetInt32("StepsChunks") ?? 0); i++)
        {
            json.Append(e.GetString($"Steps{i}"));
        }

        return new TaskDefinition
        {
            Id = Guid.Parse(e.PartitionKey),
            Name = e.GetString("Name") ?? string.Empty,
            Type = e.GetString("Type") ?? string.Empty,
            Description = e.GetString("Description"),
            CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
            Steps = json.Length == 0 ? [] : JsonSerializer.Deserialize<List<StoredStep>>(json.ToString(), Json)!
                .Select(s => new DefinitionStep(s.Name, s.Action, s.Description,
                    new Dictionary<string, Core.Model.ParamValue>(s.Params ?? [], StringComparer.Ordinal))
                {
                    Retry = s.Retry,
                    TimeoutSeconds = s.TimeoutSeconds,
                })
                .ToList(),
            ETag = e.ETag.ToString(),
        };
    }

    private sealed record StoredStep(
        string Name, string Action, string? Description, Dictionary<string, Core.Model.ParamValue>? Params,
        Core.Model.StepRetryPolicy? Retry = null, int? TimeoutSeconds = null);
}
