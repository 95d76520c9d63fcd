using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace FuncTasks.Api.Dr;

/// <summary>
/// Turns a .NET stack trace (<c>   at Ns.Type.Method(args) in /path/File.cs:line 42</c>) into the DR API's
/// Java-shaped frames. Lines that are not frames ("--- End of stack trace ...", a cut-off tail) are skipped.
/// </summary>
public static partial class DotNetStackTrace
{
    private const int MaxCachedTypes = 4096;
    private static readonly ConcurrentDictionary<string, AssemblyName?> Modules = new(StringComparer.Ordinal);

    public static IReadOnlyList<DrStackFrame> Parse(string? stackTrace)
    {
        if (string.IsNullOrWhiteSpace(stackTrace))
        {
            return [];
        }

        var frames = new List<DrStackFrame>();
        foreach (var raw in stackTrace.Split('\n'))
        {
            Match match;
            try
            {
                match = FrameLine().Match(raw.Trim());
            }
            catch (RegexMatchTimeoutException)
            {
                continue;
            }

            if (!match.Success)
            {
                continue;
            }

            var (className, methodName) = Split(match.Groups["member"].Value);
            var module = ModuleOf(className);
            var file = match.Groups["file"].Success ? FileName(match.Groups["file"].Value) : null;
            var line = match.Groups["line"].Success && int.TryParse(match.Groups["line"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
            frames.Add(new DrStackFrame(null, module?.Name, module?.Version?.ToString(), methodName, file, line, className, NativeMethod: false));
        }

        return frames;
    }

    /// <summary><c>Ns.Type.Method</c> → (<c>Ns.Type</c>, <c>Method</c>); <c>Ns.Type..ctor</c> → (<c>Ns.Type</c>, <c>.ctor</c>).</summary>
    public static (string ClassName, string MethodName) Split(string member)
    {
        var depth = 0;
        for (var i = member.Length - 1; i > 0; i--)
        {
            switch (member[i])
            {
                case ']' or '>':
                    depth++;
                    break;
                case '[' or '<':
                    depth--;
                    break;
                case '.' when depth == 0:
                    var at = member[i - 1] == '.' ? i - 1 : i;
                    return (member[..at], member[(at + 1)..]);
            }
        }

        return (string.Empty, member);
    }

    /// <summary>The assembly that defines the frame's type (or its outer type), when this process has it loaded.</summary>
    private static AssemblyName? ModuleOf(string className)
    {
        if (className.Length == 0)
        {
            return null;
        }

        if (Modules.TryGetValue(className, out var known))
        {
            return known;
        }

        AssemblyName? found = null;
        var assemblies = AppDomain.CurrentDomain.GetAssemblies();
        for (var name = className; found is null && name.Length > 0;)
        {
            if (name.IndexOfAny(['<', '>', '[', ']', '|', '`', ',']) < 0)
            {
                found = assemblies.Where(a => !a.IsDynamic).FirstOrDefault(a => Defines(a, name))?.GetName();
            }

            var dot = name.LastIndexOf('.');
            name = dot > 0 ? name[..dot] : string.Empty;
        }

        if (Modules.Count < MaxCachedTypes)
        {
            Modules[className] = found;
        }

        return found;
    }

    private static bool Defines(Assembly assembly, string typeName)
    {
        try
        {
            return assembly.GetType(typeName, throwOnError: false) is not null;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or BadImageFormatException or TypeLoadException)
        {
            return false;
        }
    }

    private static string FileName(string path)
    {
        var cut = path.LastIndexOfAny(['/', '\\']);
        return cut >= 0 ? path[(cut + 1)..] : path;
    }

    [GeneratedRegex(@"^at (?<member>[^(]+)\((?<args>.*?)\)(?: in (?<file>.+?)(?::line (?<line>\d+))?)?(?: \+ 0x[0-9a-fA-F]+)?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex FrameLine();
}
