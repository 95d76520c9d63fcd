using Microsoft.Extensions.Options;

namespace FuncTasks.Core.Actions;

/// <summary>Refuses to start a host whose allow-list has an entry that is none of the forms, rather than fail every step later.</summary>
public sealed class HttpActionOptionsValidator : IValidateOptions<HttpActionOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!HttpAllowList.TryParse(HttpDestinationGuard.EntriesOf(options), out _, out var problem))
        {
            problems.Add(problem!);
        }

        if (options.MaxRedirects is < 0 or > 20)
        {
            problems.Add("FuncTasks:Http:MaxRedirects must be between 0 and 20.");
        }

        if (options.MaxResponseExcerptBytes is < 1 or > 1024 * 1024)
        {
            problems.Add("FuncTasks:Http:MaxResponseExcerptBytes must be between 1 and 1048576.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
