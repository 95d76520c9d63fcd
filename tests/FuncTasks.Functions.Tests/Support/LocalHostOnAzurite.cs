using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>
/// The LocalHost's real Program in memory, on Azurite with tables and a queue of its own, with its queue runner: the
/// reference the Functions app's answers are compared with.
/// </summary>
public sealed class LocalHostOnAzurite : WebApplicationFactory<Program>, IApiHost
{
    private readonly Dictionary<string, string?> _settings;
    private HttpClient? _client;

    public LocalHostOnAzurite(string connectionString)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        _settings = new Dictionary<string, string?>(ApiKeys.Settings())
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["FuncTasks:Storage:TablePrefix"] = "lh" + id,
            ["FuncTasks:Storage:QueueName"] = "lh-" + id,
            ["FuncTasks:Runner:Workers"] = "2",
            ["FuncTasks:Runner:MaxPollInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
    }

    public string Name => "LocalHost";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public async Task<ApiAnswer> SendAsync(ApiRequest request)
    {
        _client ??= CreateClient();
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.PathAndQuery);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.Key);
        if (request.Body is { } body)
        {
            message.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _client.SendAsync(message);
        var headers = ApiAnswer.ShapeHeaders
            .Select(h => (Name: h, Values: response.Headers.TryGetValues(h, out var v) ? v : response.Content.Headers.TryGetValues(h, out var c) ? c : null))
            .Where(h => h.Values is not null)
            .ToDictionary(h => h.Name, h => string.Join(",", h.Values!), StringComparer.OrdinalIgnoreCase);
        return new ApiAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), headers, Name);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _client?.Dispose();
        }

        base.Dispose(disposing);
    }
}
