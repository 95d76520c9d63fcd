namespace FuncTasks.Core.Engine;

/// <summary>The registered step actions by name (case-insensitive).</summary>
public sealed class StepActionRegistry
{
    private readonly Dictionary<string, IStepAction> _actions;

    public StepActionRegistry(IEnumerable<IStepAction> actions)
    {
        _actions = new Dictionary<string, IStepAction>(StringComparer.OrdinalIgnoreCase);
        foreach (var action in actions)
        {
            _actions[action.Name] = action;
        }
    }

    public IReadOnlyCollection<string> Names => _actions.Keys;

    public IStepAction? Find(string name) => _actions.GetValueOrDefault(name);
}
