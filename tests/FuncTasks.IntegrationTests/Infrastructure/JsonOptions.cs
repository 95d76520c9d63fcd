using System.Text.Json;

namespace FuncTasks.IntegrationTests.Infrastructure;

public static class JsonOptions
{
    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web);
}
