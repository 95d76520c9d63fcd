using System.Diagnostics;
using System.Net.Http.Headers;

namespace FuncTasks.Bench.Infrastructure;

/// <summary>
/// The FuncTasks LocalHost under test: a child process (<c>dotnet FuncTasks.LocalHost.dll</c>, built next to the
/// bench) with its settings in the environment, or an already running one given with <c>--url</c>/<c>--key</c>.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly StreamWriter? _log;

    private LocalHostProcess(Process? process, StreamWriter? log, string url, string key)
    {
        _process = process;
        _log = log;
        Url = url;
        Key = key;
        Http = CreateClient(url, key);
    }

    public string Url { get; }
    public string Key { get; }
    public HttpClient Http { get; }
    public int? Pid => _process?.Id;
    public bool IsChild => _process is not null;

    /// <summary>The LocalHost built next to the bench, or another build given with <c>--localhost-dll</c> (an A/B run).</summary>
    public static string DllPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "FuncTasks.LocalHost.dll");

    public static HttpClient CreateClient(string url, string key)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 512,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static LocalHostProcess Remote(string url, string key) => new(null, null, url.TrimEnd('/'), key);

    public static async Task<LocalHostProcess> StartAsync(string storage, IReadOnlyDictionary<string, string> settings, string logFile, CancellationToken cancellationToken)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException($"The LocalHost was not built next to the bench: {DllPath}");
        }

        var key = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var url = $"http://127.0.0.1:{Azurite.FreePort()}";
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(DllPath)!,
        };
        info.ArgumentList.Add(DllPath);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        info.Environment["AzureWebJobsStorage"] = storage;
        info.Environment["FuncTasks__Auth__Keys__0__Name"] = "bench";
        info.Environment["FuncTasks__Auth__Keys__0__Secret"] = key;
        info.Environment["FuncTasks__Auth__Keys__0__Role"] = "operator";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in settings)
        {
            info.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var log = new StreamWriter(logFile, append: true) { AutoFlush = false };
        var process = Process.Start(info) ?? throw new InvalidOperationException("The LocalHost did not start.");
        ChildProcesses.Track(process);
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new LocalHostProcess(process, log, url, key);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The LocalHost exited with {process.ExitCode}; see {logFile}");
            }

            try
            {
                using var response = await host.Http.GetAsync("/healthz", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The LocalHost did not answer /healthz; see {logFile}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    /// <summary>The child's resident memory (VmRSS from /proc, else Process.WorkingSet64); null for a remote host.</summary>
    public long? WorkingSetBytes()
    {
        if (_process is null || _process.HasExited)
        {
            return null;
        }

        var status = $"/proc/{_process.Id}/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], Inv.C);
                    return kb * 1024;
                }
            }
        }

        _process.Refresh();
        return _process.WorkingSet64;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_process is not null)
        {
            await ChildProcesses.StopAsync(_process);
        }

        if (_log is not null)
        {
            lock (_log)
            {
                _log.Flush();
            }

            await _log.DisposeAsync();
        }
    }
}
