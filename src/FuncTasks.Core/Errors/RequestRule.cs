using FuncTasks.Core.Model;

namespace FuncTasks.Core;

/// <summary>Rules of the engine whose refusal a dialect words itself (with <see cref="InvalidRequestException.Limit"/> and <see cref="InvalidRequestException.Value"/>).</summary>
public enum RequestRule
{
    /// <summary>A parent id that names no task of this kind (<c>Value</c>: the id given).</summary>
    UnknownParent,

    /// <summary>More predecessors than allowed (<c>Limit</c>, <c>Count</c>).</summary>
    TooManyPredecessors,

    /// <summary>A predecessor id that names no task of this kind (<c>Value</c>: the id given).</summary>
    UnknownPredecessor,

    /// <summary>The fields kept with a task take too much room (<c>Count</c>: characters, <c>Limit</c>).</summary>
    FieldsTooLarge,

    /// <summary>Progress was given for a task whose steps report it.</summary>
    ProgressComesFromSteps,
}
