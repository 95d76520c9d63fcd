using FuncTasks.Core.Model;

namespace FuncTasks.Core.Tests.Model;

public sealed class ParamValueTests
{
    [Fact]
    public void A_value_that_matches_its_type_has_no_problem()
    {
        Assert.Null(ParamValue.Of("x").Problem("p"));
        Assert.Null(ParamValue.Of(5L).Problem("p"));
        Assert.Null(ParamValue.Of(0.5).Problem("p"));
    }

    [Theory]
    [InlineData(ParamType.STRING, null, 1L, null, "type STRING but no strValue")]
    [InlineData(ParamType.LONG, "5", null, null, "type LONG but no longValue")]
    [InlineData(ParamType.DOUBLE, null, null, null, "type DOUBLE but no doubleValue")]
    [InlineData(ParamType.LONG, "x", 5L, null, "more than one value")]
    public void A_value_that_does_not_match_its_type_is_named(ParamType type, string? str, long? l, double? d, string expected)
    {
        Assert.Contains(expected, new ParamValue(type, str, l, d).Problem("p"));
    }

    [Fact]
    public void Merge_replaces_named_values_and_keeps_the_others()
    {
        var merged = StepParams.Merge(
            new Dictionary<string, ParamValue> { ["a"] = ParamValue.Of(1L), ["b"] = ParamValue.Of("keep") },
            new Dictionary<string, ParamValue> { ["a"] = ParamValue.Of(2L), ["c"] = ParamValue.Of(0.5) });

        Assert.Equal(2L, merged["a"].LongValue);
        Assert.Equal("keep", merged["b"].StrValue);
        Assert.Equal(0.5, merged["c"].DoubleValue);
    }
}
