using System.Diagnostics;

namespace FuncTasks.IntegrationTests.Infrastructure;

/// <summary>The LocalHost as a real child process (<c>dotnet FuncTasks.LocalHost.dll</c>), so a test can kill it.</summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private LocalHostProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static async Task<LocalHostProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var url = $"http://127.0.0.1:{Azurite.FreePort()}";
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FuncTasks.LocalHost.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("The LocalHost did not start.");
        var host = new LocalHostProcess(process, url);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = new Uri(url) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The LocalHost exited with {process.ExitCode}:\n{host.Output}");
            }

            try
            {
                if ((await client.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The LocalHost did not answer /healthz:\n{host.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown, no cleanup — a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
