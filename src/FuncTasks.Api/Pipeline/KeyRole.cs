using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FuncTasks.Api.Pipeline;

public enum KeyRole
{
    Reader = 1,
    Operator = 2,
}
