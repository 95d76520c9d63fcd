namespace FuncTasks.Api.Dr;

/// <summary>ResponseError: the body of 400, 403 and 500 (<c>op_id</c> is a uuid that is in the log).</summary>
public sealed record DrResponseError(string ErrorCode, string Message, string OpId);
