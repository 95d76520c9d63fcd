using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using FuncTasks.Api.Pipeline;
using FuncTasks.Api.WireFormat;

namespace FuncTasks.IntegrationTests.Fuzz;

/// <summary>What the fuzz app holds before the fuzz starts: ids hostile requests may name, and the keys.</summary>
public sealed record FuzzFixtures(
    IReadOnlyList<string> TaskIds,
    IReadOnlyList<string> StepIds,
    string WorkflowId,
    string FailedStepId,
    string ExternalStepId,
    string OperatorKey,
    string ReaderKey);

/// <summary>
/// CsCheck generators of hostile requests for any endpoint. Every case starts from a valid request (a valid key,
/// ids of existing tasks, jobs and workflows, a valid body where the endpoint takes one) and applies at least one
/// change that makes it invalid whatever the endpoint: a bad key, a route id that names nothing, a body that is not
/// a JSON object, nests too deep, is too large or holds a wrong type, or a query value the endpoint refuses. Noise a
/// valid request could carry (unknown fields and query parameters, odd Content-Type, Idempotency-Key, X-Agent-Id)
/// is added on top. An answer other than a 4xx is therefore a finding.
/// </summary>
public static class HostileGen
{
    private const string Marker = "__fuzz_hostile__";

    private static readonly Gen<string> Ascii = Gen.Char['!', '~'].Array[0, 40].Select(c => new string(c));

    /// <summary>Any text without surrogates (a URL can not carry a lone one), most of it outside ASCII.</summary>
    private static readonly Gen<string> Text = Gen.Char[' ', '\uD7FF'].Array[1, 30].Select(c => new string(c));

    private static readonly string[] Odd =
    [
        "..%2f", "%00", "%2e%2e", "../../etc/passwd", "..\\..\\", "%", "+", "~", "\uD83D\uDE00", "\u202E", "\uFF21\uFF22",
        "' or 1 eq 1 or '", "null", "undefined", "NaN", "-1", "0", "1e309", "{}", "[]", "<script>", "\\", "\r\n", "\t", " ",
    ];

    private static readonly Gen<string> Junk = Gen.Frequency(
        (3, Text),
        (2, Gen.OneOf(Odd)),
        (1, Gen.Int[300, 12_000].Select(n => new string('x', n))),
        (1, Ascii.Where(s => s.Length > 0)));

    /// <summary>Text no parser of the API accepts as a word, a number or an id: "zz" first.</summary>
    private static readonly Gen<string> Unknown = Gen.Frequency((3, Ascii), (1, Text)).Select(s => "zz" + s);

    private static readonly Gen<string> TooLong = Gen.Int[257, 3000].Select(n => new string('q', n));

    public static Gen<HostileCase> For(ApiEndpoint endpoint, FuzzFixtures fixtures, string? template, IReadOnlyDictionary<string, string[]>? queryHints)
    {
        var takesBody = endpoint.AcceptsBody || template is not null;
        var body = takesBody ? Fill(template ?? "{}", fixtures) : null;
        var kinds = new List<(int, IGen<string>)> { (1, Gen.Const("auth")) };
        if (endpoint.RouteParameters.Count > 0)
        {
            kinds.Add((3, Gen.Const("id")));
        }

        if (body is not null)
        {
            kinds.Add((6, Gen.Const("body")));
        }

        if (queryHints is { Count: > 0 })
        {
            kinds.Add((4, Gen.Const("query")));
        }

        var kind = Gen.Frequency(kinds.ToArray());
        return
            from primary in kind
            from auth in Secondary(primary == "auth", BadAuth(endpoint, fixtures), ValidAuth(endpoint, fixtures), kinds.Count > 1)
            from route in Secondary(primary == "id", BadRoute(endpoint, fixtures), ValidRoute(endpoint, fixtures), kinds.Count > 1)
            from query in Query(primary == "query", queryHints)
            from content in body is null
                ? Gen.Frequency((4, Gen.Const<(byte[]?, string?)>((null, null))), (1, Gen.Byte.Array[1, 200].Select(b => ((byte[]?)b, (string?)null))))
                : primary == "body" ? BadBody(body).Select(b => ((byte[]?)b.Bytes, (string?)b.Mutation)) : ValidBody(body).Select(b => ((byte[]?)b, (string?)null))
            from headers in NoiseHeaders
            from contentType in ContentType
            from chunked in Gen.Bool
            let mutations = new[] { auth.Mutation, route.Mutation, query.Mutation, content.Item2 }.OfType<string>().ToList()
            select new HostileCase(
                endpoint,
                endpoint.Path(route.Value),
                query.Value,
                [.. auth.Value, .. headers],
                content.Item1,
                contentType,
                chunked,
                mutations);
    }

    /// <summary>Most cases change one part; some change a second one too (the primary one always).</summary>
    private static Gen<(T Value, string? Mutation)> Secondary<T>(bool primary, Gen<(T, string)> bad, Gen<T> valid, bool others) =>
        primary ? bad.Select(b => (b.Item1, (string?)b.Item2))
        : others ? Gen.Frequency((9, valid.Select(v => (v, (string?)null))), (1, bad.Select(b => (b.Item1, (string?)b.Item2))))
        : valid.Select(v => (v, (string?)null));

    private static Gen<KeyValuePair<string, string>[]> ValidAuth(ApiEndpoint endpoint, FuzzFixtures f) => endpoint.Mutates
        ? Gen.OneOf<KeyValuePair<string, string>[]>([FuzzHeaders.Bearer(f.OperatorKey)], [new(FuzzHeaders.FunctionsKey, f.OperatorKey)])
        : Gen.OneOf<KeyValuePair<string, string>[]>([FuzzHeaders.Bearer(f.OperatorKey)], [FuzzHeaders.Bearer(f.ReaderKey)], [new(FuzzHeaders.FunctionsKey, f.ReaderKey)]);

    private static Gen<(KeyValuePair<string, string>[], string)> BadAuth(ApiEndpoint endpoint, FuzzFixtures f)
    {
        var bad = new List<(int, IGen<(KeyValuePair<string, string>[], string)>)>
        {
            (2, Gen.Const<(KeyValuePair<string, string>[], string)>(([], "no key"))),
            (2, Unknown.Select(k => (new[] { FuzzHeaders.Bearer(k) }, "unknown bearer key"))),
            (1, Gen.Const((new KeyValuePair<string, string>[] { new(FuzzHeaders.Authorization, "Basic dXNlcjpwYXNz") }, "basic credentials"))),
            (1, Gen.Const((new KeyValuePair<string, string>[] { new(FuzzHeaders.Authorization, "Bearer") }, "empty bearer"))),
            (1, Unknown.Select(k => (new KeyValuePair<string, string>[] { new(FuzzHeaders.Authorization, k) }, "junk Authorization"))),
            (1, Gen.Int[1_000, 9_000].Select(n => (new[] { FuzzHeaders.Bearer(new string('k', n)) }, "huge key"))),
            (1, Unknown.Select(k => (new KeyValuePair<string, string>[] { new(FuzzHeaders.FunctionsKey, k) }, "unknown x-functions-key"))),
            (1, Gen.Const((new[] { FuzzHeaders.Bearer(f.OperatorKey + "x") }, "near-miss key"))),
        };
        if (endpoint.Mutates)
        {
            bad.Add((3, Gen.Const((new[] { FuzzHeaders.Bearer(f.ReaderKey) }, "reader key on a mutation"))));
        }

        return Gen.Frequency(bad.ToArray());
    }

    private static Gen<Dictionary<string, string>> ValidRoute(ApiEndpoint endpoint, FuzzFixtures f) =>
        Gen.OneOf(f.TaskIds.ToArray()).Select(task => endpoint.RouteParameters.ToDictionary(p => p, p => IsWorkflow(p) ? f.WorkflowId : task));

    private static Gen<(Dictionary<string, string>, string)> BadRoute(ApiEndpoint endpoint, FuzzFixtures f) =>
        BadId(f).Select(id => (endpoint.RouteParameters.ToDictionary(p => p, _ => id), $"route id '{Short(id)}'"));

    /// <summary>Ids that name nothing: other GUIDs, step ids where a task id goes, the nil GUID, near-GUIDs, and junk.</summary>
    private static Gen<string> BadId(FuzzFixtures f) => Gen.Frequency(
        (3, Gen.Guid.Select(g => g.ToString())),
        (1, Gen.Guid.Select(g => g.ToString("N"))),
        (1, Gen.Guid.Select(g => g.ToString("B"))),
        (2, Gen.OneOf(f.StepIds.ToArray())),
        (1, Gen.Const(Guid.Empty.ToString())),
        (2, Gen.Select(Gen.OneOf(f.TaskIds.ToArray()), Gen.Int[0, 35], Gen.Char['g', 'z'], (id, i, c) => id[..i] + c + id[(i + 1)..])),
        (1, Gen.Select(Gen.OneOf(f.TaskIds.ToArray()), Junk, (id, junk) => id + "x" + junk)),
        (4, Junk))
        // A client resolves "." and ".." segments before sending (as RFC 3986 says), so such an id never reaches the route.
        .Where(id => id.Trim('.').Length > 0);

    private static bool IsWorkflow(string parameter) => parameter.Contains("workflow", StringComparison.OrdinalIgnoreCase);

    /// <summary>Unknown query parameters (noise) and, when the case is about the query, one value the endpoint refuses.</summary>
    private static Gen<(string Value, string? Mutation)> Query(bool primary, IReadOnlyDictionary<string, string[]>? hints)
    {
        var noise = Gen.Select(Ascii, Junk, (name, value) => ("x" + name, value)).Array[0, 3];
        if (!primary || hints is not { Count: > 0 })
        {
            return noise.Select(n => (Encode(n), (string?)null));
        }

        var names = hints.Keys.Order(StringComparer.Ordinal).ToArray();
        var bad = Gen.OneOf(names).SelectMany(name => BadQueryValue(hints[name]).Select(value => (name, value)));
        return Gen.Select(noise, bad, (n, b) =>
        {
            var pairs = b.name.Split('&').Select(part => part.Split('=', 2)).Select(kv => (kv[0], kv.Length > 1 ? kv[1] : string.Empty)).ToList();
            pairs[^1] = (pairs[^1].Item1, b.value);
            return (Encode([.. n, .. pairs]), (string?)$"query {b.name}={Short(b.value)}");
        });
    }

    /// <summary>A hint is a list of refused values; "$unknown" and "$long" stand for generated ones.</summary>
    private static Gen<string> BadQueryValue(string[] values) => Gen.OneOf(values).SelectMany(v => v switch
    {
        "$unknown" => Unknown,
        "$long" => TooLong,
        _ => Gen.Const(v),
    });

    private static string Encode(IEnumerable<(string Name, string Value)> pairs)
    {
        var text = string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
        return text.Length == 0 ? string.Empty : "?" + text;
    }

    private static readonly Gen<KeyValuePair<string, string>[]> NoiseHeaders =
        Gen.Select(
            Gen.Frequency(
                (3, Gen.Const((string?)null)),
                (1, Gen.OneOf<string?>(string.Empty, "a", "../../x", "%00", "' or '1'='1", Guid.Empty.ToString())),
                (1, Ascii.Select(s => (string?)s)),
                (1, Gen.Int[200, 9_000].Select(n => (string?)new string('i', n)))),
            Gen.Frequency((4, Gen.Const((string?)null)), (1, Ascii.Select(s => (string?)s)), (1, Gen.Int[129, 2_000].Select(n => (string?)new string('a', n)))),
            Gen.Frequency((4, Gen.Const((string?)null)), (1, Gen.OneOf<string?>("*/*", "text/html", "application/xml", "zz/zz"))),
            (idempotency, agent, accept) =>
            {
                var headers = new List<KeyValuePair<string, string>>();
                if (idempotency is not null)
                {
                    headers.Add(new(FuzzHeaders.IdempotencyKey, idempotency));
                }

                if (agent is not null)
                {
                    headers.Add(new(FuzzHeaders.AgentId, agent));
                }

                if (accept is not null)
                {
                    headers.Add(new("Accept", accept));
                }

                return headers.ToArray();
            });

    private static readonly Gen<string?> ContentType = Gen.Frequency(
        (4, Gen.Const<string?>("application/json")),
        (1, Gen.Const((string?)null)),
        (1, Gen.OneOf<string?>("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
            "application/x-www-form-urlencoded", "zz")));

    /// <summary>The template with unknown fields added: every dialect ignores fields it does not know.</summary>
    private static Gen<byte[]> ValidBody(string template) =>
        Noise(template).Select(node => Encoding.UTF8.GetBytes(node.ToJsonString()));

    private static Gen<JsonObject> Noise(string template) =>
        Gen.Select(Ascii, Gen.Int[0, 2], Gen.OneOf<JsonNode?>(null, 1, "x", true, new JsonObject(), new JsonArray(1, "2")), (name, count, value) =>
        {
            var node = JsonNode.Parse(template)!.AsObject();
            for (var i = 0; i < count; i++)
            {
                node[$"zNoise{i}{name}"] = value?.DeepClone();
            }

            return node;
        });

    /// <summary>A body no endpoint that reads one accepts, with the name of what is wrong with it.</summary>
    private static Gen<(byte[] Bytes, string Mutation)> BadBody(string template)
    {
        var valid = Encoding.UTF8.GetBytes(template);
        var fields = JsonNode.Parse(template)!.AsObject().Select(p => p.Key).ToArray();
        var strings = JsonNode.Parse(template)!.AsObject().Where(p => p.Value?.GetValueKind() == JsonValueKind.String).Select(p => p.Key).ToArray();
        var stringField = strings.Length > 0 ? Gen.Frequency((1, Gen.Const("zField")), (2, Gen.OneOf(strings))) : Gen.Const("zField");
        var bad = new List<(int, IGen<(byte[], string)>)>
        {
            (2, Gen.Byte.Array[1, 512].Where(b => !IsJsonObject(b)).Select(b => (b, "random bytes"))),
            (2, Gen.Int[1, valid.Length - 1].Select(n => (valid[..n], $"truncated at {n}"))),
            (1, Gen.OneOf("[]", "null", "42", "\"text\"", "true", " ", "[" + template + "]").Select(t => (Encoding.UTF8.GetBytes(t), "not an object"))),
            (2, Gen.Select(Noise(template), Gen.Int[JsonBody.MaxDepth, 300], Gen.Bool, (node, depth, arrays) =>
                (Splice(node, "zDeep", Deep(depth, arrays)), $"nested {depth + 1} deep"))),
            (1, Gen.Select(Noise(template), stringField, Gen.Int[JsonBody.MaxStringLength + 1, JsonBody.MaxStringLength + 3_000], (node, field, n) =>
                (Splice(node, field, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new string('s', n)))), $"'{field}' of {n} characters"))),
            (1, Gen.Select(Noise(template), Gen.Int[JsonBody.MaxPropertyNameLength + 1, 2_000], (node, n) =>
            {
                node[new string('p', n)] = 1;
                return (Encoding.UTF8.GetBytes(node.ToJsonString()), $"property name of {n} characters");
            })),
            (1, Gen.Select(Noise(template), stringField, Gen.OneOf("\\ud800", "\\udfff", "\\ud83d", "x\\udc00\\ud800"), (node, field, escape) =>
                (Splice(node, field, Encoding.UTF8.GetBytes($"\"ok{escape}\"")), $"unpaired surrogate {escape} in '{field}'"))),
            (1, Gen.Select(Noise(template), stringField, Gen.OneOf<byte[]>([0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xE2, 0x82]), (node, field, bytes) =>
                (Splice(node, field, [(byte)'"', .. bytes, (byte)'"']), $"invalid UTF-8 in '{field}'"))),
            (1, Gen.Select(Noise(template), Gen.Int[0, 4_000], (node, extra) => (Oversize(node, extra), "over 256 KB"))),
        };
        if (fields.Length > 0)
        {
            bad.Add((4, Gen.Select(Noise(template), Gen.OneOf(fields), Gen.Int[0, 3], (node, field, pick) =>
            {
                node[field] = WrongKind(node[field], pick);
                return (Encoding.UTF8.GetBytes(node.ToJsonString()), $"'{field}' of the wrong type");
            })));
        }

        if (TypedParams(JsonNode.Parse(template)!).Count > 0)
        {
            bad.Add((4, Gen.Select(Noise(template), Gen.Int[0, 1_000], Gen.Int[0, 13], (node, which, how) =>
            {
                var parameters = TypedParams(node);
                var (name, param) = parameters[which % parameters.Count];
                var corruption = Corrupt(param, how);
                return (Encoding.UTF8.GetBytes(node.ToJsonString()), $"parameter '{name}': {corruption}");
            })));
        }

        return Gen.Frequency(bad.ToArray());
    }

    /// <summary>A value of another JSON kind than <paramref name="value"/> (never null: null means "not given").</summary>
    private static JsonNode WrongKind(JsonNode? value, int pick)
    {
        JsonNode[] others = value?.GetValueKind() switch
        {
            JsonValueKind.String => [42, true, new JsonObject(), new JsonArray("x")],
            JsonValueKind.Number => ["7", true, new JsonObject(), new JsonArray(7)],
            JsonValueKind.True or JsonValueKind.False => ["true", 1, new JsonObject(), new JsonArray(true)],
            JsonValueKind.Object => ["object", 1, false, new JsonArray(new JsonObject())],
            _ => ["array", 2, true, new JsonObject()],
        };
        return others[pick % others.Length];
    }

    /// <summary>Every typed parameter (<c>{type, strValue | longValue | doubleValue}</c>) in the body, with its name.</summary>
    private static List<(string Name, JsonObject Param)> TypedParams(JsonNode node)
    {
        var found = new List<(string, JsonObject)>();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (key, value) in o.ToList())
                    {
                        if (value is JsonObject p && p["type"]?.GetValueKind() == JsonValueKind.String && (p.ContainsKey("strValue") || p.ContainsKey("longValue") || p.ContainsKey("doubleValue")))
                        {
                            found.Add((key, p));
                        }
                        else
                        {
                            Walk(value);
                        }
                    }

                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        Walk(item);
                    }

                    break;
            }
        }

        Walk(node);
        return found;
    }

    /// <summary>Makes a typed parameter invalid in one of several ways; says which.</summary>
    private static string Corrupt(JsonObject param, int how)
    {
        var valueKey = new[] { "strValue", "longValue", "doubleValue" }.First(param.ContainsKey);
        switch (how)
        {
            case <= 5:
                JsonNode type = new JsonNode[] { "STRNG", "TEXT", string.Empty, "INT", "7", 3 }[how];
                param["type"] = type;
                return $"type {type.ToJsonString()}";
            case 6:
                param.Remove("type");
                return "no type";
            case 7 or 8 or 9:
                JsonNode wrong = (valueKey, how) switch
                {
                    ("strValue", 7) => 5,
                    ("strValue", _) => new JsonObject(),
                    ("longValue", 7) => "5",
                    ("longValue", 8) => 1.5,
                    ("longValue", _) => JsonNode.Parse("1e30")!,
                    (_, 7) => "x",
                    _ => true,
                };
                param[valueKey] = wrong;
                return $"{valueKey} {wrong.ToJsonString()}";
            case 10:
                param[valueKey == "strValue" ? "longValue" : "strValue"] = valueKey == "strValue" ? 1 : "x";
                return "two values";
            case 11:
                param["type"] = param["type"]!.GetValue<string>() == "STRING" ? "LONG" : "STRING";
                return "a value that does not match its type";
            case 12:
                if (valueKey == "strValue")
                {
                    param[valueKey] = new string('v', Core.Model.ParamValue.MaxStringLength + 1);
                    return "a STRING over its limit";
                }

                param[valueKey] = "x";
                return $"{valueKey} \"x\"";
            default:
                var parent = param.Parent!.AsObject();
                var name = parent.First(p => ReferenceEquals(p.Value, param)).Key;
                parent.Remove(name);
                parent[new string('n', Core.Commands.TaskValidation.MaxNameLength + 1)] = param;
                return "a parameter name over its limit";
        }
    }

    private static byte[] Deep(int depth, bool arrays)
    {
        var open = arrays ? "[" : "{\"d\":";
        var close = arrays ? "]" : "}";
        return Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)));
    }

    /// <summary>Over <see cref="JsonBody.MaxBytes"/> with fields each under the string limit, so size is what is wrong.</summary>
    private static byte[] Oversize(JsonObject node, int extra)
    {
        var i = 0;
        while (Encoding.UTF8.GetByteCount(node.ToJsonString()) <= JsonBody.MaxBytes + extra)
        {
            node[$"zPad{i++}"] = new string('p', 30_000);
        }

        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>The body with <paramref name="field"/> set to raw bytes that a JSON writer would never produce.</summary>
    private static byte[] Splice(JsonObject node, string field, byte[] raw)
    {
        node[field] = Marker;
        var text = Encoding.UTF8.GetBytes(node.ToJsonString());
        var marker = Encoding.UTF8.GetBytes($"\"{Marker}\"");
        var at = text.AsSpan().IndexOf(marker);
        return [.. text.AsSpan(0, at), .. raw, .. text.AsSpan(at + marker.Length)];
    }

    private static bool IsJsonObject(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Fill(string template, FuzzFixtures f) => template
        .Replace("$failedStep", f.FailedStepId, StringComparison.Ordinal)
        .Replace("$externalStep", f.ExternalStepId, StringComparison.Ordinal)
        .Replace("$workflow", f.WorkflowId, StringComparison.Ordinal);

    private static string Short(string text) => text.Length <= 60 ? text : text[..60] + $"…({text.Length})";
}
