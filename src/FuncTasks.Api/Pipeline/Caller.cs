using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FuncTasks.Api.Pipeline;

public sealed record Caller(string Name, KeyRole Role);
