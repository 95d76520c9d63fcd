using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FuncTasks.Testing;

/// <summary>
/// The LocalHost as a real child process (<c>dotnet FuncTasks.LocalHost.dll --urls http://127.0.0.1:port</c>) with its
/// settings in the environment (<c>a:b</c> as <c>a__b</c>), so that a test can kill it (SIGKILL: a crash) and start
/// another on the same storage; the bench measures it. Tracked by <see cref="ChildProcesses"/>.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder? _output;
    private readonly StreamWriter? _log;
    private readonly string? _logFile;

    private LocalHostProcess(Process process, string url, string? logFile)
    {
        _process = process;
        Url = url;
        _logFile = logFile;
        if (logFile is null)
        {
            _output = new StringBuilder();
        }
        else
        {
            _log = new StreamWriter(logFile, append: true) { AutoFlush = false };
        }
    }

    /// <summary>The LocalHost built next to the running program.</summary>
    public static string BuiltDll => Path.Combine(AppContext.BaseDirectory, "FuncTasks.LocalHost.dll");

    /// <summary>Its base address, <c>http://127.0.0.1:port</c>.</summary>
    public string Url { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything it wrote to stdout and stderr so far (read back from the log file when it writes to one).</summary>
    public string Output
    {
        get
        {
            if (_output is not null)
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }

            lock (_log!)
            {
                _log.Flush();
            }

            using var reader = new FileStream(_logFile!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var text = new StreamReader(reader);
            return text.ReadToEnd();
        }
    }

    /// <summary>Starts it and returns once <c>/healthz</c> answers a 2xx; fails at once if it exits meanwhile, with its output.</summary>
    public static async Task<LocalHostProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, LocalHostStart? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        options ??= new LocalHostStart();
        if (!File.Exists(options.DllPath))
        {
            throw new FileNotFoundException($"The LocalHost was not built next to this program: {options.DllPath}");
        }

        var url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Loopback.FreePort()}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(options.DllPath)!,
        };
        info.ArgumentList.Add(options.DllPath);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("The LocalHost did not start.");
        ChildProcesses.Track(process);
        var host = new LocalHostProcess(process, url, options.LogFile);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
            await Eventually.Until(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"The LocalHost exited with {process.ExitCode}:\n{host.Output}");
                    }

                    using var response = await client.GetAsync("/healthz", cancellationToken);
                    return response.IsSuccessStatusCode;
                },
                $"the LocalHost at {url} answers /healthz",
                options.ReadyTimeout,
                TimeSpan.FromMilliseconds(100),
                ex => ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested,
                cancellationToken);
        }
        catch (EventuallyTimeoutException timeout)
        {
            var output = host.Output;
            await host.DisposeAsync();
            throw new TimeoutException($"{timeout.Message}\nLocalHost output:\n{output}", timeout);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown, no cleanup — a crash.</summary>
    public async Task KillAsync()
    {
        ChildProcesses.Forget(_process);
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Its resident memory (VmRSS from /proc, else <see cref="Process.WorkingSet64"/>); null once it has exited.</summary>
    public long? WorkingSetBytes()
    {
        if (_process.HasExited)
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
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }

        _process.Refresh();
        return _process.WorkingSet64;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (_output is not null)
        {
            lock (_output)
            {
                _output.Append(line).Append('\n');
            }

            return;
        }

        lock (_log!)
        {
            _log.WriteLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.StopAsync(_process);
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
