using System.Runtime.CompilerServices;
using FuncTasks.Api.Dr;

namespace FuncTasks.IntegrationTests.Dr;

public sealed class DotNetStackTraceTests
{
    [Fact]
    public void A_real_stack_trace_becomes_frames_with_class_method_file_line_and_assembly()
    {
        var trace = Throw().StackTrace;

        var frames = DotNetStackTrace.Parse(trace);

        var top = frames[0];
        Assert.Equal(typeof(DotNetStackTraceTests).FullName, top.ClassName);
        Assert.Equal(nameof(Thrower), top.MethodName);
        Assert.Equal("DotNetStackTraceTests.cs", top.FileName);
        Assert.True(top.LineNumber > 0);
        Assert.Equal("FuncTasks.IntegrationTests", top.ModuleName);
        Assert.False(top.NativeMethod);
        Assert.Null(top.ClassLoaderName);
    }

    [Fact]
    public void Constructors_lambdas_separators_frames_without_files_and_a_cut_tail_are_handled()
    {
        const string trace = """
               at FuncTasks.Core.Engine.StepExecutor..ctor(ITaskStore store) in /src/FuncTasks.Core/Engine/StepExecutor.cs:line 12
               at FuncTasks.Core.Engine.StepExecutor.<>c__DisplayClass5_0.<RunAsync>b__0(Int32 x) in C:\src\StepExecutor.cs:line 40
            --- End of stack trace from previous location ---
               at System.Threading.Tasks.Task.Wait(TimeSpan timeout)
               at Some.Generic`1.Method[T](Dictionary`2 map)
               at Cut.Off.Meth
            """;

        var frames = DotNetStackTrace.Parse(trace);

        Assert.Equal(4, frames.Count);
        Assert.Equal(("FuncTasks.Core.Engine.StepExecutor", ".ctor", "StepExecutor.cs", 12), (frames[0].ClassName, frames[0].MethodName, frames[0].FileName, frames[0].LineNumber));
        Assert.Equal("FuncTasks.Core", frames[0].ModuleName);
        Assert.Equal(("FuncTasks.Core.Engine.StepExecutor.<>c__DisplayClass5_0", "<RunAsync>b__0", "StepExecutor.cs", 40), (frames[1].ClassName, frames[1].MethodName, frames[1].FileName, frames[1].LineNumber));
        Assert.Equal("FuncTasks.Core", frames[1].ModuleName);
        Assert.Equal(("System.Threading.Tasks.Task", "Wait", (string?)null, -1), (frames[2].ClassName, frames[2].MethodName, frames[2].FileName, frames[2].LineNumber));
        Assert.Equal("System.Private.CoreLib", frames[2].ModuleName);
        Assert.Equal(("Some.Generic`1", "Method[T]"), (frames[3].ClassName, frames[3].MethodName));
        Assert.Null(frames[3].ModuleName);
    }

    [Fact]
    public void No_stack_trace_gives_no_frames()
    {
        Assert.Empty(DotNetStackTrace.Parse(null));
        Assert.Empty(DotNetStackTrace.Parse("   "));
    }

    private static InvalidOperationException Throw()
    {
        try
        {
            Thrower();
            return new InvalidOperationException("not thrown");
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Thrower() => throw new InvalidOperationException("boom");
}
