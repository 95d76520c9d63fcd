using System.Globalization;
using System.Security.Cryptography;

namespace FuncTasks.Core.Model;

/// <summary>
/// Task and step ids are GUIDs (RFC 9562 version 8). A task id starts with the inverted creation time,
/// so the natural (PartitionKey) order of the table is newest first, and ends in 0000; a step id is its
/// task id with the step number (index + 1) in the last four hex digits. Finding the task of a step is
/// therefore arithmetic, not a lookup, and every single-item read stays a point read.
/// </summary>
public static class TaskIds
{
    private const long MaxMillis = 0xFFFF_FFFF_FFFF;
    public const int MaxSteps = 0xFFFE;

    public static Guid NewTaskId(TimeProvider time)
    {
        var inverted = MaxMillis - Math.Clamp(time.GetUtcNow().ToUnixTimeMilliseconds(), 0, MaxMillis);
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        var hex = string.Create(CultureInfo.InvariantCulture,
            $"{inverted:x12}8{random[0] & 0xF:x1}{random[1]:x2}{(random[2] & 0x3F) | 0x80:x2}{random[3]:x2}{random[4]:x2}{random[5]:x2}{random[6]:x2}{random[7]:x2}0000");
        return Guid.ParseExact(hex, "N");
    }

    public static Guid StepId(Guid taskId, int index)
    {
        if (index is < 0 or >= MaxSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        var hex = taskId.ToString("N");
        return Guid.ParseExact(string.Create(CultureInfo.InvariantCulture, $"{hex[..28]}{index + 1:x4}"), "N");
    }

    /// <summary>Splits a step id into its task id and step index; false for anything that is not a step id.</summary>
    public static bool TryParseStepId(Guid stepId, out Guid taskId, out int index)
    {
        var hex = stepId.ToString("N");
        var suffix = int.Parse(hex.AsSpan(28), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        taskId = Guid.ParseExact(string.Concat(hex.AsSpan(0, 28), "0000"), "N");
        index = suffix - 1;
        return suffix > 0;
    }

    public static bool IsTaskId(Guid id) => id.ToString("N").EndsWith("0000", StringComparison.Ordinal);

    /// <summary>
    /// A GUID written with hex digits only: .NET's parser also takes a "0x" inside a group ("…-0x48eaa80000" reads as
    /// "…-0048eaa80000"), a spelling no client means as an id.
    /// </summary>
    public static bool TryParse(string? text, out Guid id)
    {
        id = Guid.Empty;
        return text is not null && !text.Contains('x', StringComparison.OrdinalIgnoreCase) && Guid.TryParse(text, out id) && id != Guid.Empty;
    }
}
