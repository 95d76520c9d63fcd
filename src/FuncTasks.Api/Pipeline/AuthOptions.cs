using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FuncTasks.Api.Pipeline;

public sealed class AuthOptions
{
    public const string Section = "FuncTasks:Auth";

    public IList<ApiKey> Keys { get; } = [];
}
