using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>
/// The Functions app's HTTP functions as the Functions host calls them: the request is routed by the routes and methods of
/// the <c>[HttpTrigger]</c> attributes, the function method is called with a real <see cref="HttpContext"/> (its
/// RequestServices a scope of the app's container), its route parameters and the <see cref="DurableTaskClient"/> of its
/// <c>[DurableClient]</c> binding, and the <see cref="IResult"/> it returns is executed against that context.
/// </summary>
public sealed class HttpFunctionHost(IServiceProvider app, DurableTaskClient durable) : IApiHost
{
    private readonly IReadOnlyList<(FunctionMethod Function, string[] Methods, string[] Segments)> _routes =
        FunctionMethods.Http().Select(f => (f, f.HttpTrigger!.Methods!.Select(m => m.ToUpperInvariant()).ToArray(), Segments(f.HttpTrigger.Route!))).ToList();

    public string Name => "Functions app";

    private static string[] Segments(string path) => path.Trim('/').Split('/');

    /// <summary>The function serving <paramref name="method"/> <paramref name="path"/>, and its route values.</summary>
    public (FunctionMethod Function, RouteValueDictionary Values) Route(string method, string path)
    {
        var segments = Segments(path);
        var matches = new List<(FunctionMethod, RouteValueDictionary)>();
        foreach (var (function, methods, template) in _routes)
        {
            if (!methods.Contains(method.ToUpperInvariant()) || template.Length != segments.Length)
            {
                continue;
            }

            var values = new RouteValueDictionary();
            var matched = true;
            for (var i = 0; i < template.Length && matched; i++)
            {
                if (template[i].StartsWith('{') && template[i].EndsWith('}') && !template[i].Contains(':', StringComparison.Ordinal) && !template[i].Contains('*', StringComparison.Ordinal))
                {
                    values[template[i][1..^1]] = Uri.UnescapeDataString(segments[i]);
                }
                else if (template[i].Contains('{', StringComparison.Ordinal))
                {
                    throw new NotSupportedException($"{function}: route segment '{template[i]}' (constraint, optional, catch-all or complex) is not understood by this test's router.");
                }
                else
                {
                    matched = string.Equals(template[i], segments[i], StringComparison.OrdinalIgnoreCase);
                }
            }

            if (matched)
            {
                matches.Add((function, values));
            }
        }

        // The host prefers a literal segment to a parameter; no two functions here compete, so more than one match is a finding.
        return matches.Count == 1 ? matches[0]
            : throw new InvalidOperationException(matches.Count == 0
                ? $"No function serves {method} {path}."
                : $"More than one function serves {method} {path}: {string.Join(", ", matches.Select(m => m.Item1.Name))}.");
    }

    public async Task<ApiAnswer> SendAsync(ApiRequest request)
    {
        var split = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = split < 0 ? request.PathAndQuery : request.PathAndQuery[..split];
        var query = split < 0 ? string.Empty : request.PathAndQuery[split..];
        var (function, values) = Route(request.Method, path);

        await using var scope = app.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Connection.RemoteIpAddress = IPAddress.Loopback;
        http.Request.Method = request.Method;
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost", 7071);
        http.Request.Path = path;
        http.Request.QueryString = new QueryString(query);
        http.Request.RouteValues = values;
        http.Request.Headers.Authorization = $"Bearer {request.Key}";
        if (request.Body is { } body)
        {
            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
            http.Request.Body = new MemoryStream(bytes);
            http.Request.ContentType = "application/json; charset=utf-8";
            http.Request.ContentLength = bytes.Length;
        }

        var response = new MemoryStream();
        http.Response.Body = response;

        var arguments = function.Method.GetParameters().Select(p => Bind(function, p, http, values)).ToArray();
        var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(scope.ServiceProvider, function.Method.DeclaringType!);
        var result = await DurableFunctions.InvokeAsync(function, instance, arguments) as IResult
            ?? throw new InvalidOperationException($"{function} did not return an IResult.");
        await result.ExecuteAsync(http);

        var headers = ApiAnswer.ShapeHeaders.Where(h => http.Response.Headers.ContainsKey(h))
            .ToDictionary(h => h, h => http.Response.Headers[h].ToString(), StringComparer.OrdinalIgnoreCase);
        return new ApiAnswer(http.Response.StatusCode, MediaType(http.Response.ContentType), Encoding.UTF8.GetString(response.ToArray()), headers, function.Name);
    }

    private object? Bind(FunctionMethod function, ParameterInfo parameter, HttpContext http, RouteValueDictionary values) =>
        parameter.GetCustomAttribute<HttpTriggerAttribute>() is not null && parameter.ParameterType == typeof(HttpRequest) ? http.Request
        : parameter.GetCustomAttribute<DurableClientAttribute>() is not null && parameter.ParameterType == typeof(DurableTaskClient) ? durable
        : parameter.ParameterType == typeof(FunctionContext) ? new TestFunctionContext(function.Name, http.RequestServices, http.RequestAborted)
        : parameter.ParameterType == typeof(CancellationToken) ? http.RequestAborted
        : parameter.ParameterType == typeof(string) && values.TryGetValue(parameter.Name!, out var value) ? value as string
        : throw new NotSupportedException($"{function}: parameter '{parameter.Name}' ({parameter.ParameterType}) is bound neither to the trigger, the Durable client nor a route value.");

    internal static string? MediaType(string? contentType) => contentType?.Split(';')[0].Trim();
}
