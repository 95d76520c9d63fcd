namespace FuncTasks.Core.Definitions;

/// <summary>Durable storage of task definitions (one partition per definition, ETag'd rows).</summary>
public interface IDefinitionStore
{
    /// <summary>Inserts a new definition; returns it with its ETag.</summary>
    Task<TaskDefinition> CreateAsync(TaskDefinition definition, CancellationToken cancellationToken);

    /// <summary>Point read; null when it does not exist.</summary>
    Task<TaskDefinition?> GetAsync(Guid definitionId, CancellationToken cancellationToken);
}
