using System.Text;
using System.Text.RegularExpressions;

namespace FuncTasks.Functions.Tests.Support;

/// <summary>One HTTP-triggered function as its source declares it.</summary>
public sealed record HttpFunction(string Name, string File, IReadOnlyList<string> Methods, string? Route, string AuthLevel, bool TakesDurableClient);

/// <summary>Reads <c>[Function(...)]</c> methods and their <c>[HttpTrigger(...)]</c> from C# source text.</summary>
public static partial class HttpTriggers
{
    public static IReadOnlyList<HttpFunction> InFunctionsProject() =>
        Repository.FunctionsSources().SelectMany(f => Parse(File.ReadAllText(f), Path.GetRelativePath(Repository.Root, f))).ToList();

    public static IReadOnlyList<HttpFunction> Parse(string source, string file)
    {
        var code = WithoutComments(source);
        var functions = FunctionAttribute().Matches(code);
        var result = new List<HttpFunction>();
        for (var i = 0; i < functions.Count; i++)
        {
            var start = functions[i].Index;
            var end = i + 1 < functions.Count ? functions[i + 1].Index : code.Length;
            var declaration = code[start..end];
            var name = functions[i].Groups["name"].Success ? functions[i].Groups["name"].Value : functions[i].Groups["nameof"].Value;
            var triggers = TriggerAttribute().Matches(declaration);
            if (triggers.Count == 0)
            {
                continue;
            }

            if (triggers.Count > 1)
            {
                throw new InvalidOperationException($"{file}: function {name} has {triggers.Count} [HttpTrigger] attributes.");
            }

            var methods = new List<string>();
            string? route = null;
            var auth = "(default)";
            foreach (var argument in Arguments(triggers[0].Groups["args"].Value))
            {
                if (RouteArgument().Match(argument) is { Success: true } r)
                {
                    route = Unquote(r.Groups["value"].Value);
                }
                else if (argument.StartsWith("AuthorizationLevel.", StringComparison.Ordinal))
                {
                    auth = argument["AuthorizationLevel.".Length..];
                }
                else if (argument.StartsWith('"'))
                {
                    methods.Add(Unquote(argument).ToUpperInvariant());
                }
                else
                {
                    throw new InvalidOperationException($"{file}: function {name}: [HttpTrigger] argument '{argument}' is not understood.");
                }
            }

            result.Add(new HttpFunction(name, file, methods, route, auth, declaration.Contains("[DurableClient]", StringComparison.Ordinal)));
        }

        return result;
    }

    /// <summary>Splits an attribute's argument list at the commas outside string literals.</summary>
    private static IEnumerable<string> Arguments(string text)
    {
        var current = new StringBuilder();
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString && c == '\\' && i + 1 < text.Length)
            {
                current.Append(c).Append(text[++i]);
                continue;
            }

            if (c == '"')
            {
                inString = !inString;
            }

            if (c == ',' && !inString)
            {
                yield return current.ToString().Trim();
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.ToString().Trim() is { Length: > 0 } last)
        {
            yield return last;
        }
    }

    private static string Unquote(string literal) => Regex.Unescape(literal.Trim().Trim('"'));

    /// <summary>The source without // and /* */ comments (string literals kept), so commented-out functions do not count.</summary>
    public static string WithoutComments(string source)
    {
        var result = new StringBuilder(source.Length);
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (c == '"')
            {
                var verbatim = i > 0 && source[i - 1] == '@';
                result.Append(c);
                for (i++; i < source.Length; i++)
                {
                    result.Append(source[i]);
                    if (!verbatim && source[i] == '\\' && i + 1 < source.Length)
                    {
                        result.Append(source[++i]);
                    }
                    else if (source[i] == '"')
                    {
                        if (verbatim && i + 1 < source.Length && source[i + 1] == '"')
                        {
                            result.Append(source[++i]);
                            continue;
                        }

                        break;
                    }
                }
            }
            else if (c == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                while (i < source.Length && source[i] != '\n')
                {
                    i++;
                }

                result.Append('\n');
            }
            else if (c == '/' && i + 1 < source.Length && source[i + 1] == '*')
            {
                var close = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? source.Length : close + 1;
                result.Append(' ');
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    [GeneratedRegex("""\[\s*Function\s*\(\s*(?:"(?<name>[^"]+)"|nameof\s*\(\s*(?<nameof>\w+)\s*\))\s*\)\s*\]""")]
    private static partial Regex FunctionAttribute();

    [GeneratedRegex("""HttpTrigger\s*\((?<args>(?:[^()"]|"(?:[^"\\]|\\.)*")*)\)""")]
    private static partial Regex TriggerAttribute();

    [GeneratedRegex("""^Route\s*=\s*(?<value>"(?:[^"\\]|\\.)*")$""")]
    private static partial Regex RouteArgument();
}
